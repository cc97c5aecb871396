// Which channels do customers first come in through, and how many of them go on to buy? Each
// customer counts once, under the channel of their first interaction (the earliest
// `occurredAt`, ties by id; no channel: ""), with whether and how soon they made a first
// PURCHASE (a first interaction that is a purchase: 0 days; the median of an even count is the
// mean of the middle two). Customers without interactions are in no row.
//
// Parameters:
//   $since = null  only customers whose first interaction is at or after this ISO 8601 time
// Columns:
//   channel               the channel of the customers' first interaction
//   customers             customers who came in through it
//   purchasers            those with a PURCHASE
//   conversionPct         purchasers per 100 customers, rounded to 0.1
//   medianDaysToPurchase  median days from first interaction to first PURCHASE, rounded to 0.1
MATCH (c:Customer)
CALL (c) {
  MATCH (c)-[:HAD]->(i:Interaction)
  RETURN i.occurredAt AS firstAt, coalesce(i.channel, '') AS channel
  ORDER BY i.occurredAt, i.id
  LIMIT 1
}
WITH c, firstAt, channel
WHERE $since IS NULL OR firstAt >= datetime($since)
CALL (c) {
  OPTIONAL MATCH (c)-[:HAD]->(p:Interaction {type: 'PURCHASE'})
  RETURN min(p.occurredAt) AS firstPurchaseAt
}
WITH channel, count(*) AS customers, count(firstPurchaseAt) AS purchasers,
     percentileCont(duration.inSeconds(firstAt, firstPurchaseAt).seconds / 86400.0, 0.5)
       AS medianDays
RETURN channel, customers, purchasers, round(100.0 * purchasers / customers, 1) AS conversionPct,
       round(medianDays, 1) AS medianDaysToPurchase
ORDER BY customers DESC, channel
