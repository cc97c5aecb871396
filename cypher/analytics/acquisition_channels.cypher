// Which acquisition channels bring customers who buy? Customers by the channel they came
// from (Customer.source), how many of them have bought, and what they spent.
//
// Parameters:
//   $createdFrom = null  only customers created at or after this ISO 8601 time; null: all
// Columns:
//   source           Customer.source ('' when it has none)
//   customers        customers from the channel
//   buyers           of them, customers with at least one purchase
//   conversion       buyers / customers, 0.0 to 1.0, rounded to 0.0001
//   revenue          the buyers' total purchase spend, yuan, rounded to 0.01
//   revenuePerBuyer  revenue / buyers, rounded to 0.01; null without buyers
MATCH (c:Customer)
WHERE $createdFrom IS NULL OR c.createdAt >= datetime($createdFrom)
CALL (c) {
  OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
  RETURN count(i) AS purchases, sum(coalesce(i.amount, 0.0)) AS spend
}
WITH coalesce(c.source, '') AS source, count(c) AS customers,
     count(CASE WHEN purchases > 0 THEN 1 END) AS buyers, sum(spend) AS revenue
RETURN source, customers, buyers, round(toFloat(buyers) / customers, 4) AS conversion,
       round(revenue, 2) AS revenue,
       CASE buyers WHEN 0 THEN null ELSE round(revenue / buyers, 2) END AS revenuePerBuyer
ORDER BY customers DESC, source
