// Loader: Tag.parent through CHILD_OF (the taxonomy is a forest: at most one parent).
// Returns: key, value
UNWIND $ids AS id
MATCH (:Tag {id: id})-[:CHILD_OF]->(p:Tag)
WITH id, p ORDER BY p.name
RETURN id AS key, collect(p {.*})[0] AS value
