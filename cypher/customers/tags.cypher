// Loader: Customer.tags, the tags each customer holds directly, ordered by name.
// Returns: key, value
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN id AS key, COLLECT {
  MATCH (c)-[:HAS_TAG]->(t:Tag)
  WITH DISTINCT t ORDER BY t.name
  RETURN t {.*}
} AS value
