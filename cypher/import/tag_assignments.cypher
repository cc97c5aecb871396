// Tag customers. A tag name may be an alias (renameTag, mergeTags): it means that tag. An
// unknown tag is created (ACTIVE); a deprecated one is refused. An existing assignment is left
// as it is (its source and assignedAt are kept), so re-importing changes nothing; each new one
// is recorded as a pending (:TagEvent) in the same transaction (graph/tag_events.py).
// Returns the refused rows and why: `customerId` (no such customer) or `deprecated`.
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {id: row.customerId})
OPTIONAL MATCH (:TagAlias {name: row.tag})-[:ALIAS_OF]->(aliased:Tag)
OPTIONAL CALL (row, c, aliased) {
  WITH row, c, aliased WHERE c IS NOT NULL AND aliased IS NULL
  MERGE (t:Tag {name: row.tag})
    ON CREATE SET t.id = randomUUID(), t.status = 'ACTIVE', t.createdAt = $now
  RETURN t
  UNION
  WITH row, c, aliased WHERE c IS NOT NULL AND aliased IS NOT NULL
  RETURN aliased AS t
}
CALL (row, c, t) {
  WITH row, c, t WHERE t IS NOT NULL AND coalesce(t.status, 'ACTIVE') <> 'DEPRECATED'
  MERGE (c)-[r:HAS_TAG]->(t)
    ON CREATE SET r.source = 'IMPORT', r.assignedAt = coalesce(datetime(row.assignedAt), $now),
                  r.gained = true
  WITH c, t, r WHERE r.gained
  REMOVE r.gained
  CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: 'IMPORT', at: $now,
                                     customerId: c.id, tagId: t.id, tagName: t.name})
}
WITH row, c, t WHERE c IS NULL OR t.status = 'DEPRECATED'
RETURN row.i AS i, CASE WHEN c IS NULL THEN 'customerId' ELSE 'deprecated' END AS missing
