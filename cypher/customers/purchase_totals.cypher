// Recompute the stored purchase figures of customers from their interactions:
//   purchaseTotal   sum of PURCHASE amounts (a missing amount counts 0; 0.0 without purchases)
//   lastPurchaseAt  the latest PURCHASE's occurredAt (null without purchases)
// Segment definitions with an all-time spend read them (graph/segment/compiler.py) instead of
// every purchase. $ids: the customers to recompute, or null for every customer still without
// them (what `c360 migrate` fills in). Imports keep them current (cypher/ingest/interactions.cypher).
// Returns: customers
MATCH (c:Customer)
WHERE CASE WHEN $ids IS NULL THEN c.purchaseTotal IS NULL ELSE c.id IN $ids END
CALL (c) {
  OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
  RETURN sum(coalesce(i.amount, 0.0)) AS total, max(i.occurredAt) AS last
}
SET c.purchaseTotal = total, c.lastPurchaseAt = last
RETURN count(c) AS customers
