// snapshotSegment, step 2: appended to a compiled segment's MATCH (members bound to `c`):
// each member linked to the snapshot, committed $batch members at a time, so a snapshot of
// any size holds no more than one batch in a transaction's memory.
// Returns: nothing
CALL (c) {
  MATCH (snapshot:SegmentSnapshot {id: $snapshotId})
  CREATE (snapshot)-[:INCLUDES]->(c)
} IN TRANSACTIONS OF $batch ROWS
