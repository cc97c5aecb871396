// snapshotSegment, step 2 (once per batch, each its own transaction): these members, by id,
// linked to the snapshot.
// Returns: nothing
MATCH (snapshot:SegmentSnapshot {id: $snapshotId})
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CREATE (snapshot)-[:INCLUDES]->(c)
