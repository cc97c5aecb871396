// alsoBought: products purchased by the customers who purchased $productId (that product left
// out), `customers` = how many distinct such customers bought each, by customers descending,
// then product id; at most $first. `found` is false for an unknown product id.
// (No labels on the inner nodes: HAD leads only to interactions, ABOUT only to products, and
// checking a label costs a read per row; the type is what matters.)
// Returns: found, products
OPTIONAL MATCH (p:Product {id: $productId})
RETURN p IS NOT NULL AS found, COLLECT {
  MATCH (p)<-[:ABOUT]-(bought {type: 'PURCHASE'})<-[:HAD]-(c)
  WITH DISTINCT p, c
  MATCH (c)-[:HAD]->(also {type: 'PURCHASE'})-[:ABOUT]->(q)
  WHERE q <> p
  WITH DISTINCT c, q
  WITH q, count(c) AS customers
  ORDER BY customers DESC, q.id
  LIMIT $first
  RETURN {product: q {.*}, customers: customers}
} AS products
