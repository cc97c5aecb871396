// Upsert tags by (normalised) name. A new tag gets an id (the line's, or a random UUID),
// status ACTIVE and createdAt; an existing tag keeps them. A name that is an alias
// (renameTag, mergeTags) updates the tag it belongs to instead of making a new one.
// Returns: nothing
UNWIND $rows AS row
OPTIONAL MATCH (:TagAlias {name: row.name})-[:ALIAS_OF]->(aliased:Tag)
CALL (row, aliased) {
  WITH row, aliased WHERE aliased IS NULL
  MERGE (t:Tag {name: row.name})
    ON CREATE SET t.id = coalesce(row.id, randomUUID()), t.status = 'ACTIVE', t.createdAt = $now
  SET t += row.props
}
CALL (row, aliased) {
  WITH row, aliased WHERE aliased IS NOT NULL
  SET aliased += row.props
}
