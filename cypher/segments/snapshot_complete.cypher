// snapshotSegment, step 3: the snapshot counted and linked to its segment, which makes it
// visible (Segment.snapshots, segmentDiff). Null when the segment is gone.
// Returns: snapshot
MATCH (snapshot:SegmentSnapshot {id: $snapshotId})
MATCH (segment:Segment {id: $segmentId})
CREATE (snapshot)-[:OF]->(segment)
SET snapshot.count = COUNT { (snapshot)-[:INCLUDES]->() }
RETURN snapshot {.*, segmentId: segment.id} AS snapshot
