// Loader: Segment.snapshots, newest first (takenAt descending, then id).
// Returns: key, value
UNWIND $ids AS id
MATCH (segment:Segment {id: id})
RETURN id AS key, COLLECT {
  MATCH (segment)<-[:OF]-(snapshot:SegmentSnapshot)
  WITH snapshot ORDER BY snapshot.takenAt DESC, snapshot.id
  RETURN snapshot {.*, segmentId: segment.id}
} AS value
