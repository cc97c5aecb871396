// Mutation.assignTags: give the customer the tags named $names (MANUAL, idempotent).
// Checks before writing: when the customer is missing, or any name is unknown or deprecated,
// nothing is written and the problem is returned for the caller to report.
OPTIONAL MATCH (c:Customer {id: $customerId})
CALL () {
  UNWIND $names AS name
  OPTIONAL MATCH (t:Tag {name: name})
  RETURN collect(CASE WHEN t IS NULL THEN name END) AS unknown,
         collect(CASE WHEN t.status = 'DEPRECATED' THEN name END) AS deprecated,
         collect(t) AS tags
}
CALL (c, unknown, deprecated, tags) {
  WITH * WHERE c IS NOT NULL AND unknown = [] AND deprecated = []
  UNWIND tags AS t
  MERGE (c)-[r:HAS_TAG]->(t)
  ON CREATE SET r.source = 'MANUAL', r.assignedAt = datetime()
}
RETURN c {.*} AS customer, unknown, deprecated
