// Loader: Customer.tagAssignments, each direct tag with its provenance, ordered by tag name.
// Relationships made by hand in Cypher may lack provenance: they read as MANUAL, assigned
// when the customer was created.
// Returns: key, value
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN id AS key, COLLECT {
  MATCH (c)-[r:HAS_TAG]->(t:Tag)
  WITH c, r, t ORDER BY t.name
  RETURN {
    tag: t {.*},
    source: coalesce(r.source, 'MANUAL'),
    assignedAt: coalesce(r.assignedAt, c.createdAt, datetime('1970-01-01T00:00:00Z')),
    ruleId: r.ruleId
  }
} AS value
