// Tag names as users type them (normalised) to the tags they mean: the tag of that name, or
// the tag that took the name over as an alias (renameTag, mergeTags). Unknown: tag is null.
// Returns: name, tag, above
UNWIND $names AS name
OPTIONAL MATCH (own:Tag {name: name})
OPTIONAL MATCH (:TagAlias {name: name})-[:ALIAS_OF]->(aliased:Tag)
WITH name, coalesce(own, aliased) AS t
RETURN name, t {.*} AS tag,
       [(t)-[:CHILD_OF*1..]->(above:Tag) | above.name] AS above
