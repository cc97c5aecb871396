// Loader: Customer.totalSpend, purchaseCount, lastPurchaseAt over all PURCHASE interactions.
// Returns: key, value
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
  RETURN {
    totalSpend: sum(coalesce(i.amount, 0.0)),
    purchaseCount: count(i),
    lastPurchaseAt: max(i.occurredAt)
  } AS stats
}
RETURN id AS key, stats AS value
