// Query.segments: every saved segment by name (then creation time, id).
MATCH (s:Segment)
RETURN s {.*} AS segment
ORDER BY s.name, s.createdAt, s.id
