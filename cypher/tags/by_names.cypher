// Loader: tags by (normalised) name; an alias finds the tag it belongs to.
// Returns: key, value
UNWIND $ids AS name
OPTIONAL MATCH (own:Tag {name: name})
OPTIONAL MATCH (:TagAlias {name: name})-[:ALIAS_OF]->(aliased:Tag)
WITH name, coalesce(own, aliased) AS t
WHERE t IS NOT NULL
RETURN name AS key, t {.*} AS value
