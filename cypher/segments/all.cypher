// Query.segments: every saved segment by name (then creation time, id).
// Returns: segment
MATCH (s:Segment)
RETURN s {.*} AS segment
ORDER BY s.name, s.createdAt, s.id
