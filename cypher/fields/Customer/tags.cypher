// Customer.tags: the tags it holds directly, by name.
// Projects: Tag
COLLECT {
  MATCH ({{this}})-[:HAS_TAG]->({{node}}:Tag)
  WITH DISTINCT {{node}} ORDER BY {{node}}.name
  RETURN {{node}} {.id{{fields}}}
}
