// Loader: segmentDiff's pages: the members of snapshots that are not in the snapshot
// $leftOut (who joined, who left), by id ($limit after $after), and how many there are. The
// left-out set is read once and checked as a set, a hash lookup per member; both sets are
// read whole (the count needs them).
// Returns: key, value
UNWIND $ids AS id
MATCH (snapshot:SegmentSnapshot {id: id})
CALL () {
  OPTIONAL MATCH (:SegmentSnapshot {id: $leftOut})-[:INCLUDES]->(other:Customer)
  RETURN collect(other) AS excluded
}
CALL (snapshot, excluded) {
  MATCH (snapshot)-[:INCLUDES]->(c:Customer)
  WHERE NOT c IN excluded
  WITH c ORDER BY c.id
  RETURN collect(c) AS members
}
RETURN id AS key, {
  total: size(members),
  rows: [c IN [m IN members WHERE m.id > $after][..$limit] | {key: [c.id], node: c {.*}}]
} AS value
