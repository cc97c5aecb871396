// Query.tickets: TICKET interactions, newest first (occurredAt descending, then id
// descending), of the statuses $statuses and priorities $priorities (null: any) and of
// $assignee (null: anyone); $limit of them after the key [$afterSeconds, $afterNanos, $afterId]
// (nulls: from the newest), and how many match in all.
// The walk follows the (type, occurredAt) index from the key down, so a page reads about as
// many tickets as it returns, whatever page it is (the filters skip the ones they reject).
// Returns: rows, total
CALL () {
  MATCH (i:Interaction)
  WHERE i.type = 'TICKET'
    AND i.occurredAt <= CASE WHEN $afterSeconds IS NULL THEN datetime('9999-12-31T23:59:59Z')
                             ELSE datetime({epochSeconds: $afterSeconds, nanosecond: $afterNanos})
                        END
  WITH i, i.occurredAt.epochSeconds AS s, i.occurredAt.nanosecond AS ns
  WHERE ($afterId IS NULL OR s < $afterSeconds OR ns < $afterNanos OR i.id < $afterId)
    AND ($statuses IS NULL OR i.status IN $statuses)
    AND ($priorities IS NULL OR i.priority IN $priorities)
    AND ($assignee IS NULL OR i.assignee = $assignee)
  WITH i, s, ns ORDER BY i.occurredAt DESC, i.id DESC LIMIT $limit
  MATCH (c:Customer)-[:HAD]->(i)
  RETURN collect({
    key: [s, ns, i.id],
    node: i {.*, customerId: c.id, productId: [(i)-[:ABOUT]->(p:Product) | p.id][0]}
  }) AS rows
}
CALL () {
  MATCH (i:Interaction)
  WHERE i.type = 'TICKET'
    AND ($statuses IS NULL OR i.status IN $statuses)
    AND ($priorities IS NULL OR i.priority IN $priorities)
    AND ($assignee IS NULL OR i.assignee = $assignee)
  RETURN count(i) AS total
}
RETURN rows, total
