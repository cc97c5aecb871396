// Loader: Tag.aliases, the old names that still resolve to each tag, ordered.
// Returns: key, value
UNWIND $ids AS id
MATCH (t:Tag {id: id})
RETURN id AS key, COLLECT {
  MATCH (alias:TagAlias)-[:ALIAS_OF]->(t)
  RETURN alias.name ORDER BY alias.name
} AS value
