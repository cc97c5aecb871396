// Loader: one page of Customer.interactions for each customer in $ids, all with the same
// arguments: newest first (occurredAt descending, then id ascending), at most $limit rows.
// Filters: $types (null: all types), $since (null: all time). The cursor of the previous
// page is the sort key of its last row: $afterSeconds/$afterNanos (epoch) and $afterId.
WITH CASE WHEN $afterSeconds IS NULL THEN null
          ELSE datetime({epochSeconds: $afterSeconds, nanosecond: $afterNanos}) END AS afterAt
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c, afterAt) {
  MATCH (c)-[:HAD]->(i:Interaction)
  WHERE ($types IS NULL OR i.type IN $types)
    AND ($since IS NULL OR i.occurredAt >= $since)
    AND (afterAt IS NULL
         OR i.occurredAt < afterAt
         OR (i.occurredAt.epochSeconds = $afterSeconds
             AND i.occurredAt.nanosecond = $afterNanos
             AND i.id > $afterId))
  WITH i ORDER BY i.occurredAt DESC, i.id ASC LIMIT $limit
  RETURN collect({
    key: [i.occurredAt.epochSeconds, i.occurredAt.nanosecond, i.id],
    node: i {.*, customerId: c.id, productId: [(i)-[:ABOUT]->(p:Product) | p.id][0]}
  }) AS rows
}
CALL (c) {
  MATCH (c)-[:HAD]->(i:Interaction)
  WHERE ($types IS NULL OR i.type IN $types)
    AND ($since IS NULL OR i.occurredAt >= $since)
  RETURN count(i) AS total
}
RETURN id AS key, {rows: rows, total: total} AS value
