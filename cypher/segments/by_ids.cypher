// Loader: saved segments by id.
UNWIND $ids AS id
MATCH (s:Segment {id: id})
RETURN id AS key, s {.*} AS value
