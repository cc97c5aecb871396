// Query.tasks: a work queue. Tasks by dueAt ascending (those without one last), then id; of
// the statuses $statuses (null: any; a task without a status is OPEN), of $assignee (null:
// anyone), due before $dueBefore (null: any; a task without dueAt is due before nothing);
// $limit of them after the key [$afterMissing, $afterDue (text), $afterId] (null id: from the
// start), and how many match in all.
// Returns: rows, total
MATCH (c:Customer)-[:HAS_TASK]->(t:Task)
WHERE ($statuses IS NULL OR coalesce(t.status, 'OPEN') IN $statuses)
  AND ($assignee IS NULL OR t.assignee = $assignee)
  AND ($dueBefore IS NULL OR t.dueAt < $dueBefore)
WITH c, t, t.dueAt IS NULL AS missing
WITH collect({c: c, t: t, missing: missing}) AS matching
CALL (matching) {
  UNWIND matching AS m
  WITH m.c AS c, m.t AS t, m.missing AS missing, datetime($afterDue) AS after
  WHERE $afterId IS NULL
     OR (NOT missing AND NOT $afterMissing
         AND (t.dueAt > after OR (t.dueAt = after AND t.id > $afterId)))
     OR (missing AND NOT $afterMissing)
     OR (missing AND $afterMissing AND t.id > $afterId)
  WITH c, t, missing ORDER BY missing, t.dueAt, t.id LIMIT $limit
  OPTIONAL MATCH (t)-[:CREATED_BY]->(rule:LinkageRule)-[:WHEN_ADDED]->(when:Tag)
  RETURN collect({
    key: [missing, toString(t.dueAt), t.id],
    node: t {.*, customerId: c.id,
             rule: CASE WHEN rule IS NULL THEN null ELSE rule {.*, tag: when {.*}} END}
  }) AS rows
}
RETURN rows, size(matching) AS total
