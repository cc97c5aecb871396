// Link each tag to its parent (a tag has at most one: another parent is unlinked). Rows are
// handled one after another (each CALL sees the links made for the rows before it), so a
// cycle is caught even when its links arrive in the same batch.
// Returns the rows that were refused: the parent does not exist, or would make a cycle.
// Either name may be an alias (renameTag, mergeTags): it means that tag.
// Returns: i, problem
UNWIND $rows AS row
CALL (row) {
  OPTIONAL MATCH (own:Tag {name: row.name})
  OPTIONAL MATCH (:TagAlias {name: row.name})-[:ALIAS_OF]->(aliased:Tag)
  RETURN coalesce(own, aliased) AS t
}
CALL (row) {
  OPTIONAL MATCH (own:Tag {name: row.parent})
  OPTIONAL MATCH (:TagAlias {name: row.parent})-[:ALIAS_OF]->(aliased:Tag)
  RETURN coalesce(own, aliased) AS p
}
WITH row, t, p WHERE t IS NOT NULL
CALL (t, p) {
  WITH t, p,
       CASE
         WHEN p IS NULL THEN 'missing'
         WHEN EXISTS { (p)-[:CHILD_OF*0..]->(t) } THEN 'cycle'
       END AS problem
  CALL (t, p, problem) {
    WITH t, p WHERE problem IS NULL
    OPTIONAL MATCH (t)-[old:CHILD_OF]->(other:Tag) WHERE other <> p
    DELETE old
    MERGE (t)-[:CHILD_OF]->(p)
  }
  RETURN problem
}
WITH row, problem WHERE problem IS NOT NULL
RETURN row.i AS i, problem
