// customerMap: the customer's own world as nodes and edges: what it reaches in 1..$depth hops
// following the customer-360 relationships in their direction (its tags and the tags above
// them, its interactions and their products, its current and past stages, its tasks). Other
// customers are not reached through a shared tag, product or stage (one tag can have 100k
// holders): similarCustomers finds those. At most $limit nodes: the customer first, then the
// nearest; at one distance tags, stages and tasks before interactions (newest first), then
// products, each by id. Edges are every such relationship between two kept nodes, once per
// (source, target, type). `found` is false for an unknown customer id.
//
// The pattern's upper bound cannot be a parameter: 5 is the largest depth the API accepts.
// Returns: found, nodes, edges
OPTIONAL MATCH (listed:Customer {id: $customerId})
// the id of a customer merged into another (mergeCustomers) means that other one
OPTIONAL MATCH (:CustomerAlias {id: $customerId})-[:ALIAS_OF]->(survivor:Customer)
WITH coalesce(listed, survivor) AS c
CALL (c) {
  MATCH path = (c)-[:HAS_TAG|CHILD_OF|HAD|ABOUT|IN_STAGE|WAS_IN_STAGE|HAS_TASK*1..5]->(n)
  WHERE length(path) <= $depth AND n <> c
  WITH n, min(length(path)) AS hops
  WITH n, hops,
       CASE
         WHEN n:Tag THEN 1 WHEN n:LifecycleStage THEN 2 WHEN n:Task THEN 3
         WHEN n:Interaction THEN 4 WHEN n:Product THEN 5 ELSE 6
       END AS rank
  ORDER BY hops, rank, n.occurredAt DESC, n.id
  LIMIT $limit - 1
  RETURN collect(n) AS around
}
WITH c, CASE WHEN c IS NULL THEN [] ELSE [c] + around END AS kept
CALL (kept) {
  UNWIND kept AS a
  MATCH (a)-[r:HAS_TAG|CHILD_OF|HAD|ABOUT|IN_STAGE|WAS_IN_STAGE|HAS_TASK]->(b)
  WHERE b IN kept
  WITH DISTINCT a.id AS source, b.id AS target, type(r) AS type
  ORDER BY source, type, target
  RETURN collect({source: source, target: target, type: type}) AS edges
}
RETURN c IS NOT NULL AS found, [n IN kept | {
  id: n.id,
  label: CASE
    WHEN n:Customer THEN 'Customer' WHEN n:Tag THEN 'Tag' WHEN n:LifecycleStage THEN 'LifecycleStage'
    WHEN n:Task THEN 'Task' WHEN n:Interaction THEN 'Interaction' WHEN n:Product THEN 'Product'
    ELSE head(labels(n))
  END,
  caption: CASE
    WHEN n:Interaction THEN n.type + ' ' + coalesce(toString(date(n.occurredAt)), '')
    WHEN n:Task THEN coalesce(n.title, n.id)
    ELSE coalesce(n.name, n.id)
  END
}] AS nodes, edges
