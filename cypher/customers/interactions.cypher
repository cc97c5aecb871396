// Loader: one page of Customer.interactions for each customer in $ids, all with the same
// arguments: newest first, at most $limit rows. Times compare as instants (epoch seconds,
// then nanoseconds), whatever offset they were stored with; ties go by id ascending.
// Filters: $types (null: all types), $since (null: all time; else occurredAt >= $since).
// The cursor of the previous page is the sort key of its last row: $afterSeconds,
// $afterNanos, $afterId (all null on the first page).
// Returns: key, value
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  MATCH (c)-[:HAD]->(i:Interaction)
  WHERE $types IS NULL OR i.type IN $types
  WITH i, i.occurredAt.epochSeconds AS s, i.occurredAt.nanosecond AS ns
  WHERE ($since IS NULL
         OR s > $since.epochSeconds
         OR (s = $since.epochSeconds AND ns >= $since.nanosecond))
    AND ($afterSeconds IS NULL
         OR s < $afterSeconds
         OR (s = $afterSeconds AND (ns < $afterNanos OR (ns = $afterNanos AND i.id > $afterId))))
  WITH i, s, ns ORDER BY s DESC, ns DESC, i.id ASC LIMIT $limit
  RETURN collect({
    key: [s, ns, i.id],
    node: i {.*, customerId: c.id, productId: [(i)-[:ABOUT]->(p:Product) | p.id][0]}
  }) AS rows
}
CALL (c) {
  MATCH (c)-[:HAD]->(i:Interaction)
  WHERE ($types IS NULL OR i.type IN $types)
    AND ($since IS NULL
         OR i.occurredAt.epochSeconds > $since.epochSeconds
         OR (i.occurredAt.epochSeconds = $since.epochSeconds
             AND i.occurredAt.nanosecond >= $since.nanosecond))
  RETURN count(i) AS total
}
RETURN id AS key, {rows: rows, total: total} AS value
