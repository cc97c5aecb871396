// Mutation.createTag: a new ACTIVE tag, below $parent when given. Checks before writing:
// a taken name or a missing parent writes nothing and is returned for the caller to report.
OPTIONAL MATCH (existing:Tag {name: $tagName})
OPTIONAL MATCH (parent:Tag {name: $parent})
WITH existing, parent, $parent IS NOT NULL AND parent IS NULL AS parentMissing
OPTIONAL CALL (existing, parent, parentMissing) {
  WITH * WHERE existing IS NULL AND NOT parentMissing
  MERGE (t:Tag {name: $tagName})
  ON CREATE SET t.id = randomUUID(), t.status = 'ACTIVE', t.createdAt = datetime(),
                t.category = $category, t.description = $description
  FOREACH (p IN CASE WHEN parent IS NULL THEN [] ELSE [parent] END |
    MERGE (t)-[:CHILD_OF]->(p)
  )
  RETURN t
}
RETURN t {.*} AS tag, existing IS NOT NULL AS duplicate, parentMissing
