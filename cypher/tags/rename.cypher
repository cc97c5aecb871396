// renameTag: the tag takes $newName; its old name becomes an alias of it. An alias of this
// same tag equal to $newName is dropped (the name is the tag's own again). The caller has
// checked that $newName is no other tag's name or alias.
// Returns: tag
MATCH (t:Tag {name: $tagName})
OPTIONAL MATCH (own:TagAlias {name: $newName})-[:ALIAS_OF]->(t)
DETACH DELETE own
SET t.name = $newName
MERGE (alias:TagAlias {name: $tagName})
MERGE (alias)-[:ALIAS_OF]->(t)
RETURN t {.*} AS tag
