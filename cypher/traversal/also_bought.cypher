// alsoBought: products purchased by the customers who purchased $productId (that product left
// out), `customers` = how many distinct such customers bought each, by customers descending,
// then product id; at most $first. `found` is false for an unknown product id.
OPTIONAL MATCH (p:Product {id: $productId})
RETURN p IS NOT NULL AS found, COLLECT {
  MATCH (p)<-[:ABOUT]-(:Interaction {type: 'PURCHASE'})<-[:HAD]-(c:Customer)
  WITH DISTINCT p, c
  MATCH (c)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(q:Product)
  WHERE q <> p
  WITH DISTINCT c, q
  WITH q, count(c) AS customers
  ORDER BY customers DESC, q.id
  LIMIT $first
  RETURN {product: q {.*}, customers: customers}
} AS products
