// Tag.children: the tags directly below it, by name.
// Projects: Tag
COLLECT {
  MATCH ({{node}}:Tag)-[:CHILD_OF]->({{this}})
  WITH DISTINCT {{node}} ORDER BY {{node}}.name
  RETURN {{node}} {.id{{fields}}}
}
