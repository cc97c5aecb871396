// Loader: pages of snapshots' members by id ($limit after $after), and how many there are.
// A snapshot holding a good share of all customers (1 in 20 or more) is read along the
// customer id index, checking membership, which stops after $limit members; a smaller one
// from its own INCLUDES relationships, sorted (at most 1 in 20 of the customers). Either
// branch's index bound is null unless it applies (a null bound seeks nothing).
// Returns: key, value
UNWIND $ids AS id
MATCH (snapshot:SegmentSnapshot {id: id})
WITH id, snapshot, COUNT { (snapshot)-[:INCLUDES]->() } AS members
WITH id, snapshot, members, members * 20 >= COUNT { (:Customer) } AS dense
CALL (snapshot, dense) {
  CALL (snapshot, dense) {
    MATCH (c:Customer)
    WHERE c.id > CASE WHEN dense THEN $after END AND (snapshot)-[:INCLUDES]->(c)
    WITH c ORDER BY c.id LIMIT $limit
    RETURN c
    UNION ALL
    MATCH (snapshot)-[:INCLUDES]->(c:Customer)
    WHERE c.id > CASE WHEN NOT dense THEN $after END
    WITH c ORDER BY c.id LIMIT $limit
    RETURN c
  }
  RETURN collect({key: [c.id], node: c {.*}}) AS rows
}
RETURN id AS key, {total: members, rows: rows} AS value
