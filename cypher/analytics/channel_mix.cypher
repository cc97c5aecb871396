// Through which channels do customers interact and buy? Interactions per channel (the shop
// channels 线上商城, APP, 小程序 and 门店 carry views and purchases; 邮件, 电话, 客服系统, 问卷
// and 线下拜访 the other types), with the purchases and revenue of each, in a time window.
//
// Parameters:
//   $from = null  only interactions at or after this ISO 8601 time; null: from the first
//   $to = null    only interactions before this ISO 8601 time; null: up to the last
// Columns:
//   channel       Interaction.channel ('' when it has none)
//   interactions  interactions of every type
//   customers     distinct customers who used the channel
//   purchases     PURCHASE interactions
//   revenue       their amount, yuan, rounded to 0.01
//   revenueShare  revenue / the revenue of every channel, 0.0 to 1.0, rounded to 0.0001
MATCH (c:Customer)-[:HAD]->(i:Interaction)
WHERE ($from IS NULL OR i.occurredAt >= datetime($from))
  AND ($to IS NULL OR i.occurredAt < datetime($to))
WITH coalesce(i.channel, '') AS channel, count(i) AS interactions,
     count(DISTINCT c) AS customers, count(CASE WHEN i.type = 'PURCHASE' THEN 1 END) AS purchases,
     sum(CASE WHEN i.type = 'PURCHASE' THEN coalesce(i.amount, 0.0) ELSE 0.0 END) AS revenue
WITH collect({channel: channel, interactions: interactions, customers: customers,
              purchases: purchases, revenue: revenue}) AS rows, sum(revenue) AS total
UNWIND rows AS r
RETURN r.channel AS channel, r.interactions AS interactions, r.customers AS customers,
       r.purchases AS purchases, round(r.revenue, 2) AS revenue,
       CASE total WHEN 0.0 THEN 0.0 ELSE round(r.revenue / total, 4) END AS revenueShare
ORDER BY interactions DESC, channel
