// Loader: Tag.customerCount, customers holding each tag directly.
// Returns: key, value
UNWIND $ids AS id
MATCH (t:Tag {id: id})
CALL (t) {
  MATCH (c:Customer)-[:HAS_TAG]->(t)
  RETURN count(DISTINCT c) AS holders
}
RETURN id AS key, holders AS value
