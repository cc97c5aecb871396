// Which high-value customers have stopped buying? Customers whose purchases up to $asOf add
// up to at least $minSpend yuan and whose last purchase is more than $days days before
// $asOf, the biggest spenders first: the list for a win-back campaign.
//
// Parameters:
//   $minSpend = 20000  lifetime spend (yuan) that makes a customer high-value (as 高价值客户)
//   $days = 180        no purchase in this many days before $asOf
//   $asOf = null       ISO 8601 time to measure from; null: now
//   $limit = 100       at most this many customers
// Columns:
//   id            the customer's id
//   name          their name
//   city          their city
//   stage         their current lifecycle stage
//   spend         purchase spend up to $asOf, yuan, rounded to 0.01
//   purchases     purchases up to $asOf
//   lastPurchase  the time of the last one
//   daysSince     whole days from lastPurchase to $asOf
WITH coalesce(datetime($asOf), datetime()) AS asOf
MATCH (c:Customer)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
WHERE i.occurredAt <= asOf
WITH asOf, c, sum(i.amount) AS spend, count(i) AS purchases, max(i.occurredAt) AS lastPurchase
WHERE spend >= $minSpend AND lastPurchase < asOf - duration({days: $days})
OPTIONAL MATCH (c)-[:IN_STAGE]->(s:LifecycleStage)
RETURN c.id AS id, c.name AS name, c.city AS city, s.name AS stage, round(spend, 2) AS spend,
       purchases, lastPurchase, duration.inDays(lastPurchase, asOf).days AS daysSince
ORDER BY spend DESC, id
LIMIT $limit
