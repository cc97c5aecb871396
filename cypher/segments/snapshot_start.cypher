// snapshotSegment, step 1: the snapshot's node, not yet linked to its segment. Until step 3
// links it (in the mutation's own transaction, with its audit entry) nothing reads it: a
// snapshot whose writing failed half way is never seen.
// Returns: nothing
CREATE (:SegmentSnapshot {id: $snapshotId, takenAt: $takenAt, asOf: $asOf})
