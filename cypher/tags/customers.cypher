// Loader: one page of Tag.customers (direct holders, id ascending) for each tag in $ids.
// $after is the last id of the previous page ('' for the first), $limit as in customers_page.
// Returns: key, value
UNWIND $ids AS id
MATCH (t:Tag {id: id})
CALL (t) {
  MATCH (c:Customer)-[:HAS_TAG]->(t)
  WHERE c.id > $after
  WITH DISTINCT c ORDER BY c.id LIMIT $limit
  RETURN collect({key: [c.id], node: c {.*}}) AS rows
}
CALL (t) {
  MATCH (c:Customer)-[:HAS_TAG]->(t)
  RETURN count(DISTINCT c) AS total
}
RETURN id AS key, {rows: rows, total: total} AS value
