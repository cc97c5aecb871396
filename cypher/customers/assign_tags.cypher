// Mutation.assignTags: give the customer the tags named $names (MANUAL, idempotent). A name
// may be an alias (renameTag, mergeTags): it means the tag it now belongs to. Each gain is
// recorded as a pending (:TagEvent) in the same transaction, by $actor (graph/tags/events.py).
// Checks before writing: when the customer is missing, or any name is unknown or deprecated,
// nothing is written and the problem is returned for the caller to report.
// Returns: customer, unknown, deprecated
OPTIONAL MATCH (c:Customer {id: $customerId})
CALL () {
  UNWIND $names AS name
  OPTIONAL MATCH (own:Tag {name: name})
  OPTIONAL MATCH (:TagAlias {name: name})-[:ALIAS_OF]->(aliased:Tag)
  WITH name, coalesce(own, aliased) AS t
  RETURN collect(CASE WHEN t IS NULL THEN name END) AS unknown,
         collect(CASE WHEN t.status = 'DEPRECATED' THEN name END) AS deprecated,
         collect(DISTINCT t) AS tags
}
CALL (c, unknown, deprecated, tags) {
  WITH * WHERE c IS NOT NULL AND unknown = [] AND deprecated = []
  UNWIND tags AS t
  MERGE (c)-[r:HAS_TAG]->(t)
  ON CREATE SET r.source = 'MANUAL', r.assignedAt = $now, r.gained = true
  WITH c, t, r WHERE r.gained
  REMOVE r.gained
  CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: 'MANUAL', at: $now,
                                     assignedAt: $now, actor: $actor,
                                     customerId: c.id, tagId: t.id, tagName: t.name})
}
RETURN c {.*} AS customer, unknown, deprecated
