// Query.customers: one page of customers by id ascending, plus the total.
// $after is the last id of the previous page ('' for the first page), $limit one more than
// the page size so the caller can tell whether a next page exists.
// Returns: rows, total
CALL () {
  MATCH (c:Customer)
  WHERE c.id > $after
  WITH c ORDER BY c.id LIMIT $limit
  RETURN collect({key: [c.id], node: c {.*}}) AS rows
}
CALL () {
  MATCH (c:Customer)
  RETURN count(c) AS total
}
RETURN rows, total
