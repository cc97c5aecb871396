// Loader: saved segments by id.
// Returns: key, value
UNWIND $ids AS id
MATCH (s:Segment {id: id})
RETURN id AS key, s {.*} AS value
