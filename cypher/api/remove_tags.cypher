// Mutation.removeTags: take the tags named $names from the customer, whatever their source.
// Checks before writing: a missing customer or an unknown name writes nothing.
OPTIONAL MATCH (c:Customer {id: $customerId})
CALL () {
  UNWIND $names AS name
  OPTIONAL MATCH (t:Tag {name: name})
  RETURN collect(CASE WHEN t IS NULL THEN name END) AS unknown
}
CALL (c, unknown) {
  WITH * WHERE c IS NOT NULL AND unknown = []
  MATCH (c)-[r:HAS_TAG]->(t:Tag)
  WHERE t.name IN $names
  DELETE r
}
RETURN c {.*} AS customer, unknown
