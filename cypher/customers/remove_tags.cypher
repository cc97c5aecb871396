// Mutation.removeTags: take the tags named $names (or their aliases) from the customer,
// whatever their source, recording each as a pending (:TagEvent) by $actor. Checks before
// writing: a missing customer or an unknown name writes nothing.
// Returns: customer, unknown
OPTIONAL MATCH (c:Customer {id: $customerId})
CALL () {
  UNWIND $names AS name
  OPTIONAL MATCH (own:Tag {name: name})
  OPTIONAL MATCH (:TagAlias {name: name})-[:ALIAS_OF]->(aliased:Tag)
  WITH name, coalesce(own, aliased) AS t
  RETURN collect(CASE WHEN t IS NULL THEN name END) AS unknown, collect(t) AS tags
}
CALL (c, unknown, tags) {
  WITH * WHERE c IS NOT NULL AND unknown = []
  MATCH (c)-[r:HAS_TAG]->(t:Tag)
  WHERE t IN tags
  CREATE (:TagEvent:PendingTagEvent {change: 'REMOVED', source: coalesce(r.source, 'MANUAL'),
                                     at: $now, customerId: c.id, tagId: t.id, tagName: t.name,
                                     ruleId: r.ruleId, actor: $actor})
  DELETE r
}
RETURN c {.*} AS customer, unknown
