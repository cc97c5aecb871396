// Loader: Customer.purchasedProducts, distinct products of PURCHASE interactions, by id.
// Returns: key, value
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN id AS key, COLLECT {
  MATCH (c)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(p:Product)
  WITH DISTINCT p ORDER BY p.id
  RETURN p {.*}
} AS value
