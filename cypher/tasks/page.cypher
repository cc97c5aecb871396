// Query.tasks: a work queue. Tasks by dueAt ascending (those without one last), then id; of
// the statuses $statuses (null: any; a task without a status is OPEN), of $assignee (null:
// anyone), due before $dueBefore (null: any; a task without dueAt is due before nothing);
// $limit of them after the key [$afterMissing, $afterDue (text), $afterId] (null id: from the
// start), and, when $count, how many match in all (else null).
// The page walks indexes in the queue's order from the key and stops at $limit, so it reads
// about as many index entries as it returns, whatever page it is and however few tasks the
// filters let through. The tasks due: unfiltered, the dueAt index; filtered, for each status
// asked (none given: each of $everyStatus, which every task has one of: `c360 migrate` gives
// the tasks from before statuses theirs), that status's range of the (status, dueAt) index,
// or (assignee, status, dueAt) for an assignee: at most three walks, merged. The tasks
// without a due time, only when those due did not fill the page: the id index, or the same
// per status over (status, id) or (assignee, status, id), skipping tasks with a due time.
// Ordering by an index's leading columns too is what lets the planner take its order (a
// PartialTop). A branch that has nothing to give gets a null bound, which its index answers
// with nothing at once (a WHERE on a parameter alone would be checked only after the whole
// index was read). Walking the dueAt and id indexes and checking the filters on each task
// instead read every task when few passed (0.12-0.19 s at 100,000).
// Returns: rows, total
CALL () {
  WITH CASE WHEN $afterId IS NULL THEN datetime('0001-01-01T00:00:00Z')
            WHEN $afterMissing THEN null ELSE datetime($afterDue) END AS low,
       coalesce($dueBefore, datetime('9999-12-31T23:59:59Z')) AS high,
       $statuses IS NOT NULL OR $assignee IS NOT NULL AS filtered
  CALL (low, high, filtered) {
    CALL (low, high, filtered) {
      MATCH (t:Task)
      WHERE t.dueAt >= CASE WHEN NOT filtered THEN low END AND t.dueAt < high
        AND ($afterId IS NULL OR t.dueAt > low OR t.id > $afterId)
      WITH t ORDER BY t.dueAt, t.id LIMIT $limit
      RETURN t
      UNION ALL
      UNWIND CASE WHEN filtered THEN coalesce($statuses, $everyStatus) ELSE [] END AS status
      CALL (low, high, status) {
        MATCH (t:Task) USING INDEX t:Task(status, dueAt)
        WHERE t.status = CASE WHEN $assignee IS NULL THEN status END
          AND t.dueAt >= low AND t.dueAt < high
          AND ($afterId IS NULL OR t.dueAt > low OR t.id > $afterId)
        WITH t ORDER BY t.status, t.dueAt, t.id LIMIT $limit
        RETURN t
        UNION ALL
        MATCH (t:Task) USING INDEX t:Task(assignee, status, dueAt)
        WHERE t.assignee = $assignee AND t.status = status
          AND t.dueAt >= low AND t.dueAt < high
          AND ($afterId IS NULL OR t.dueAt > low OR t.id > $afterId)
        WITH t ORDER BY t.assignee, t.status, t.dueAt, t.id LIMIT $limit
        RETURN t
      }
      RETURN t
    }
    WITH t ORDER BY t.dueAt, t.id LIMIT $limit
    RETURN collect(t) AS due
  }
  CALL (due) {
    WITH CASE WHEN $dueBefore IS NOT NULL OR size(due) >= $limit THEN null
              WHEN $afterMissing THEN $afterId ELSE '' END AS from
    CALL (from) {
      MATCH (t:Task)
      WHERE t.id > CASE WHEN $statuses IS NULL AND $assignee IS NULL THEN from END
        AND t.dueAt IS NULL
      WITH t ORDER BY t.id LIMIT $limit
      RETURN t
      UNION ALL
      UNWIND CASE WHEN $statuses IS NOT NULL OR $assignee IS NOT NULL
                  THEN coalesce($statuses, $everyStatus) ELSE [] END AS status
      CALL (from, status) {
        MATCH (t:Task) USING INDEX t:Task(status, id)
        WHERE t.status = CASE WHEN $assignee IS NULL THEN status END AND t.id > from
          AND t.dueAt IS NULL
        WITH t ORDER BY t.status, t.id LIMIT $limit
        RETURN t
        UNION ALL
        MATCH (t:Task) USING INDEX t:Task(assignee, status, id)
        WHERE t.assignee = $assignee AND t.status = status AND t.id > from AND t.dueAt IS NULL
        WITH t ORDER BY t.assignee, t.status, t.id LIMIT $limit
        RETURN t
      }
      RETURN t
    }
    WITH t ORDER BY t.id LIMIT $limit
    RETURN collect(t) AS undated
  }
  UNWIND [t IN due | {t: t, missing: false}] + [t IN undated | {t: t, missing: true}] AS found
  WITH found.t AS t, found.missing AS missing ORDER BY missing, t.dueAt, t.id LIMIT $limit
  MATCH (c:Customer)-[:HAS_TASK]->(t)
  OPTIONAL MATCH (t)-[:CREATED_BY]->(rule:LinkageRule)
  OPTIONAL MATCH (rule)-[:WHEN_ADDED|WHEN_REMOVED]->(when:Tag)
  RETURN collect({
    key: [missing, toString(t.dueAt), t.id],
    node: t {.*, customerId: c.id,
             rule: CASE WHEN rule IS NULL THEN null ELSE rule {.*, tag: when {.*}} END}
  }) AS rows
}
// The count, read from an index alone, as many entries as tasks match, with no task read:
// the seeks of an index holding every given filter's property, one per status asked (none
// given: each of $everyStatus); no filter at all: the label's count (the count store). Each
// branch but the one that applies seeks a null (nothing, at once); the hints keep the planner
// off the indexes whose filters it would then have to read from each task.
CALL () {
  CALL () {
    // an assignee, due before a time
    MATCH (t:Task) USING INDEX t:Task(assignee, status, dueAt)
    WHERE t.assignee = CASE WHEN $count THEN $assignee END
      AND t.status IN coalesce($statuses, $everyStatus) AND t.dueAt < $dueBefore
    RETURN count(t) AS n
    UNION ALL
    // an assignee, any due time or none
    MATCH (t:Task) USING INDEX t:Task(assignee, status, id)
    WHERE t.assignee = CASE WHEN $count AND $dueBefore IS NULL THEN $assignee END
      AND t.status IN coalesce($statuses, $everyStatus) AND t.id IS NOT NULL
    RETURN count(t) AS n
    UNION ALL
    // anyone's, due before a time
    MATCH (t:Task) USING INDEX t:Task(status, dueAt)
    WHERE t.status IN coalesce($statuses, $everyStatus)
      AND t.dueAt < CASE WHEN $count AND $assignee IS NULL THEN $dueBefore END
    RETURN count(t) AS n
    UNION ALL
    // anyone's of these statuses, any due time or none
    MATCH (t:Task) USING INDEX t:Task(status, id)
    WHERE t.status IN coalesce($statuses, [])
      AND t.id >= CASE WHEN $count AND $assignee IS NULL AND $dueBefore IS NULL THEN '' END
    RETURN count(t) AS n
    UNION ALL
    RETURN CASE WHEN $count AND $statuses IS NULL AND $assignee IS NULL AND $dueBefore IS NULL
                THEN COUNT { (:Task) } ELSE 0 END AS n
  }
  RETURN sum(n) AS total
}
RETURN rows, CASE WHEN $count THEN total END AS total
