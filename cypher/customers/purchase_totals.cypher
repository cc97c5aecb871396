// Recompute the stored purchase figures of customers from their interactions:
//   purchaseTotal   sum of PURCHASE amounts (a missing amount counts 0; 0.0 without purchases)
//   lastPurchaseAt  the latest PURCHASE's occurredAt (null without purchases)
//   purchaseCount   how many PURCHASE interactions it has
// Segment definitions with an all-time spend (graph/segments/compiler.py) and the Customer
// fields totalSpend, purchaseCount and lastPurchaseAt (cypher/fields/Customer) read them instead
// of every purchase. $ids: the customers to recompute, or null for every customer still without
// them (what `c360 migrate` fills in). Imports keep them current (cypher/ingest/interactions.cypher).
// Returns: customers
MATCH (c:Customer)
WHERE CASE WHEN $ids IS NULL THEN c.purchaseCount IS NULL ELSE c.id IN $ids END
CALL (c) {
  OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
  RETURN sum(coalesce(i.amount, 0.0)) AS total, max(i.occurredAt) AS last, count(i) AS purchases
}
SET c.purchaseTotal = total, c.lastPurchaseAt = last, c.purchaseCount = purchases
RETURN count(c) AS customers
