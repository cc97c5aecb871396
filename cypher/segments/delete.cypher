// deleteSegment: found = false when there is no segment with this id (nothing deleted).
// Returns: found
OPTIONAL MATCH (s:Segment {id: $id})
WITH s, s IS NOT NULL AS found
DETACH DELETE s
RETURN found
