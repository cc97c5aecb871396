// Mutation.updateTag: the tag named $tagName gets the description and category given
// ($setDescription, $setCategory; a null value clears it) and, with $setParent, the parent
// $parent (null: none, a root). A parent that is the tag or below it would make a cycle: then
// nothing is written and `cycle` is true (checked here, in the writing transaction, so two
// updates racing cannot make one either). Null tag: the tag is gone.
// Returns: tag, cycle
MATCH (t:Tag {name: $tagName})
OPTIONAL MATCH (parent:Tag {name: $parent})
WITH t, parent, $setParent AND parent IS NOT NULL
                AND EXISTS { (parent)-[:CHILD_OF*0..]->(t) } AS cycle
CALL (t, parent, cycle) {
  WITH * WHERE NOT cycle
  SET t.description = CASE WHEN $setDescription THEN $description ELSE t.description END,
      t.category = CASE WHEN $setCategory THEN $category ELSE t.category END
  WITH * WHERE $setParent
  CALL (t) {
    MATCH (t)-[old:CHILD_OF]->()
    DELETE old
  }
  FOREACH (p IN CASE WHEN parent IS NULL THEN [] ELSE [parent] END |
    CREATE (t)-[:CHILD_OF]->(p)
  )
}
RETURN t {.*} AS tag, cycle
