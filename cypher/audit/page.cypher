// Query.auditLog: one page of the audit trail, newest first (ties by id, descending), plus
// the total. $after is the previous page's last key [epochMillis, id] or null; $limit is one
// more than the page size so the caller can tell whether a next page exists.
// Returns: rows, total
CALL () {
  MATCH (e:AuditEntry)
  WHERE $after IS NULL
     OR e.at.epochMillis < $after[0]
     OR (e.at.epochMillis = $after[0] AND e.id < $after[1])
  WITH e ORDER BY e.at DESC, e.id DESC LIMIT $limit
  RETURN collect({key: [e.at.epochMillis, e.id], node: e {.*}}) AS rows
}
CALL () {
  MATCH (e:AuditEntry)
  RETURN count(e) AS total
}
RETURN rows, total
