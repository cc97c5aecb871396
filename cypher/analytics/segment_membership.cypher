// Who was in a saved segment over time? One row per snapshot of it (`snapshotSegment`, e.g.
// one per campaign or per week), oldest first: its size, and who joined and left since the
// snapshot before it. Snapshots are frozen: later tag changes do not rewrite them.
//
// Parameters:
//   $segment = "高价值客户"  the saved segment's name
// Columns:
//   asOf      the moment the snapshot evaluated the segment at
//   takenAt   when the snapshot was taken
//   snapshot  the snapshot's id (segmentDiff takes two of them)
//   members   its members
//   joined    members not in the snapshot before it (all of them for the first)
//   left      members of the snapshot before it that are not in this one
MATCH (:Segment {name: $segment})<-[:OF]-(s:SegmentSnapshot)
WITH s ORDER BY s.asOf, s.takenAt
WITH collect(s) AS snapshots
UNWIND range(0, size(snapshots) - 1) AS n
WITH snapshots[n] AS s, CASE WHEN n > 0 THEN snapshots[n - 1] END AS previous
CALL (s, previous) {
  OPTIONAL MATCH (previous)-[:INCLUDES]->(before:Customer)
  WITH collect(before) AS before
  RETURN before
}
RETURN s.asOf AS asOf, s.takenAt AS takenAt, s.id AS snapshot, s.count AS members,
       COUNT { (s)-[:INCLUDES]->(c) WHERE NOT c IN before } AS joined,
       size([c IN before WHERE NOT EXISTS { (s)-[:INCLUDES]->(c) }]) AS left
ORDER BY asOf, takenAt
