// Tag customers. A tag name may be an alias (renameTag, mergeTags): it means that tag. An
// unknown tag is created (ACTIVE); a deprecated one is refused. An existing assignment is left
// as it is (its source and assignedAt are kept), so re-importing changes nothing; each new one
// is recorded as a pending (:TagEvent) in the same transaction (graph/tag_events.py).
// Returns the refused rows and why: `customerId` (no such customer) or `deprecated`; and the
// rows whose tag this batch created without a description (`newTag`: its name), which the
// import reports so that someone describes them (updateTag).
// Returns: i, missing, newTag
UNWIND $rows AS row
OPTIONAL MATCH (listed:Customer {id: row.customerId})
// the id of a customer merged into another (mergeCustomers) means that other one
OPTIONAL MATCH (:CustomerAlias {id: row.customerId})-[:ALIAS_OF]->(survivor:Customer)
WITH row, coalesce(listed, survivor) AS c
// Nearly every row names a tag by its own name: one index seek. Only other names (aliases,
// new tags) take the slower path below; doing that path for every row cost ~100 µs a row.
OPTIONAL MATCH (own:Tag {name: row.tag})
OPTIONAL CALL (row, c, own) {
  WITH row WHERE own IS NULL AND c IS NOT NULL
  OPTIONAL MATCH (:TagAlias {name: row.tag})-[:ALIAS_OF]->(aliased:Tag)
  CALL (row, aliased) {
    WITH row, aliased WHERE aliased IS NULL
    MERGE (t:Tag {name: row.tag})
      ON CREATE SET t.id = randomUUID(), t.status = 'ACTIVE', t.createdAt = $now
    RETURN t
    UNION
    WITH aliased WHERE aliased IS NOT NULL
    RETURN aliased AS t
  }
  RETURN t AS other
}
WITH row, c, coalesce(own, other) AS t, own IS NULL AS notFound
CALL (row, c, t) {
  WITH row, c, t
  WHERE c IS NOT NULL AND t IS NOT NULL AND coalesce(t.status, 'ACTIVE') <> 'DEPRECATED'
  MERGE (c)-[r:HAS_TAG]->(t)
    ON CREATE SET r.source = 'IMPORT', r.assignedAt = coalesce(datetime(row.assignedAt), $now),
                  r.gained = true
  WITH c, t, r WHERE r.gained
  REMOVE r.gained
  CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: 'IMPORT', at: $now,
                                     assignedAt: r.assignedAt, actor: 'import',
                                     customerId: c.id, tagId: t.id, tagName: t.name})
}
WITH row, c, t, notFound AND t.createdAt = $now AND t.description IS NULL AS created
WHERE c IS NULL OR t.status = 'DEPRECATED' OR created
RETURN row.i AS i,
       CASE WHEN c IS NULL THEN 'customerId' WHEN t.status = 'DEPRECATED' THEN 'deprecated' END
         AS missing,
       CASE WHEN created THEN t.name END AS newTag
