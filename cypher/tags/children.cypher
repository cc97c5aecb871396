// Loader: Tag.children, the tags directly below each tag, ordered by name.
// Returns: key, value
UNWIND $ids AS id
MATCH (t:Tag {id: id})
RETURN id AS key, COLLECT {
  MATCH (child:Tag)-[:CHILD_OF]->(t)
  WITH DISTINCT child ORDER BY child.name
  RETURN child {.*}
} AS value
