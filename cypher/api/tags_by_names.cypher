// Loader: tags by (normalised) name.
UNWIND $ids AS name
MATCH (t:Tag {name: name})
RETURN name AS key, t {.*} AS value
