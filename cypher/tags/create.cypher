// Mutation.createTag: a new ACTIVE tag, below $parent (a name or an alias) when given.
// Checks before writing: a name taken by a tag or an alias, or a missing parent, writes
// nothing and is returned for the caller to report.
// Returns: tag, duplicate, aliasOf, parentMissing
OPTIONAL MATCH (existing:Tag {name: $tagName})
OPTIONAL MATCH (:TagAlias {name: $tagName})-[:ALIAS_OF]->(aliasOf:Tag)
CALL () {
  OPTIONAL MATCH (own:Tag {name: $parent})
  OPTIONAL MATCH (:TagAlias {name: $parent})-[:ALIAS_OF]->(aliased:Tag)
  RETURN coalesce(own, aliased) AS parent
}
WITH existing, aliasOf, parent, $parent IS NOT NULL AND parent IS NULL AS parentMissing
OPTIONAL CALL (existing, aliasOf, parent, parentMissing) {
  WITH * WHERE existing IS NULL AND aliasOf IS NULL AND NOT parentMissing
  MERGE (t:Tag {name: $tagName})
  ON CREATE SET t.id = randomUUID(), t.status = 'ACTIVE', t.createdAt = datetime(),
                t.category = $category, t.description = $description
  FOREACH (p IN CASE WHEN parent IS NULL THEN [] ELSE [parent] END |
    MERGE (t)-[:CHILD_OF]->(p)
  )
  RETURN t
}
RETURN t {.*} AS tag, existing IS NOT NULL AS duplicate, aliasOf.name AS aliasOf, parentMissing
