// Tag.parent: the tag directly above it, or null.
// Projects: Tag
head(COLLECT {
  MATCH ({{this}})-[:CHILD_OF]->({{node}}:Tag)
  WITH {{node}} ORDER BY {{node}}.name
  RETURN {{node}} {.id{{fields}}}
})
