// Which products are bought by the same customers? Pairs of products that at least
// $minCustomers customers have both bought (at any time, not necessarily together), the most
// shared first: candidates for bundles and recommendations.
//
// Parameters:
//   $minCustomers = 2  keep pairs bought by at least this many customers
//   $limit = 20        at most this many pairs
// Columns:
//   productA   the name of the pair's product with the smaller id
//   productB   the name of the other
//   idA        productA's id
//   idB        productB's id
//   customers  customers who bought both
MATCH (c:Customer)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(p:Product)
WITH c, collect(DISTINCT p) AS products
UNWIND products AS a
UNWIND products AS b
WITH a, b, c
WHERE a.id < b.id
WITH a, b, count(c) AS customers
WHERE customers >= $minCustomers
RETURN a.name AS productA, b.name AS productB, a.id AS idA, b.id AS idB, customers
ORDER BY customers DESC, idA, idB
LIMIT $limit
