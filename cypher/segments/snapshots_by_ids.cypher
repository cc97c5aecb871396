// Loader: finished snapshots by id (one linked to its segment).
// Returns: key, value
UNWIND $ids AS id
MATCH (snapshot:SegmentSnapshot {id: id})-[:OF]->(segment:Segment)
RETURN id AS key, snapshot {.*, segmentId: segment.id} AS value
