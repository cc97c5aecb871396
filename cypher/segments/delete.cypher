// deleteSegment: found = false when there is no segment with this id (nothing deleted). Its
// snapshots go with it (their links to their members too).
// Returns: found
OPTIONAL MATCH (s:Segment {id: $id})
WITH s, s IS NOT NULL AS found
CALL (s) {
  MATCH (s)<-[:OF]-(snapshot:SegmentSnapshot)
  DETACH DELETE snapshot
}
DETACH DELETE s
RETURN found
