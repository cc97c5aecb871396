// Loader: Product.buyerCount, distinct customers with a PURCHASE of each product.
// Returns: key, value
UNWIND $ids AS id
MATCH (p:Product {id: id})
CALL (p) {
  MATCH (c:Customer)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(p)
  RETURN count(DISTINCT c) AS buyers
}
RETURN id AS key, buyers AS value
