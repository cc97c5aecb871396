// Query.tickets: TICKET interactions, newest first (occurredAt descending, then id
// descending), of the statuses $statuses and priorities $priorities (null: any) and of
// $assignee (null: anyone); $limit of them after the key [$afterSeconds, $afterNanos, $afterId]
// (nulls: from the newest), and, when $count, how many match in all (else null).
// The page walks indexes down from the key in their order and stops at $limit, so it reads
// about as many index entries as it returns, whatever page it is and however few tickets the
// filters let through. Unfiltered: the (type, occurredAt) index. Filtered: for each status
// and priority asked (a filter not given asks for every value: $everyStatus, $everyPriority,
// which every ticket has one of: imports and updateTicket check them, `c360 migrate` gives
// older tickets theirs), the range of that pair in the (type, status, priority, occurredAt)
// index, or (type, assignee, status, priority, occurredAt) for an assignee: at most 16
// walks of $limit entries, merged. Ordering by the index's leading columns too is what lets
// the planner take its order (a PartialTop) instead of sorting every ticket; the branch that
// does not apply seeks a null (nothing, at once). Walking (type, occurredAt) and checking the
// filters on each ticket instead read every ticket when few match (0.25 s at 200,000).
// The count is read from an index alone, as many entries as tickets match (see below); a null
// bound skips it when not asked for.
// Returns: rows, total
CALL () {
  WITH CASE WHEN $afterSeconds IS NULL THEN datetime('9999-12-31T23:59:59Z')
            ELSE datetime({epochSeconds: $afterSeconds, nanosecond: $afterNanos}) END AS bound,
       $statuses IS NOT NULL OR $priorities IS NOT NULL OR $assignee IS NOT NULL AS filtered
  CALL (bound, filtered) {
    MATCH (i:Interaction)
    WHERE i.type = CASE WHEN NOT filtered THEN 'TICKET' END AND i.occurredAt <= bound
      // within the bound, an earlier second, an earlier nanosecond or a smaller id is after
      // the key
      AND ($afterId IS NULL OR i.occurredAt.epochSeconds < $afterSeconds
           OR i.occurredAt.nanosecond < $afterNanos OR i.id < $afterId)
    WITH i ORDER BY i.type DESC, i.occurredAt DESC, i.id DESC LIMIT $limit
    RETURN i
    UNION ALL
    UNWIND CASE WHEN filtered THEN coalesce($statuses, $everyStatus) ELSE [] END AS status
    UNWIND coalesce($priorities, $everyPriority) AS priority
    CALL (bound, status, priority) {
      MATCH (i:Interaction)
      USING INDEX i:Interaction(type, status, priority, occurredAt)
      WHERE i.type = CASE WHEN $assignee IS NULL THEN 'TICKET' END
        AND i.status = status AND i.priority = priority AND i.occurredAt <= bound
        AND ($afterId IS NULL OR i.occurredAt.epochSeconds < $afterSeconds
             OR i.occurredAt.nanosecond < $afterNanos OR i.id < $afterId)
      WITH i ORDER BY i.type DESC, i.status DESC, i.priority DESC, i.occurredAt DESC, i.id DESC
        LIMIT $limit
      RETURN i
      UNION ALL
      MATCH (i:Interaction)
      USING INDEX i:Interaction(type, assignee, status, priority, occurredAt)
      WHERE i.type = 'TICKET' AND i.assignee = $assignee
        AND i.status = status AND i.priority = priority AND i.occurredAt <= bound
        AND ($afterId IS NULL OR i.occurredAt.epochSeconds < $afterSeconds
             OR i.occurredAt.nanosecond < $afterNanos OR i.id < $afterId)
      WITH i ORDER BY i.type DESC, i.assignee DESC, i.status DESC, i.priority DESC,
                      i.occurredAt DESC, i.id DESC
        LIMIT $limit
      RETURN i
    }
    RETURN i
  }
  WITH i ORDER BY i.occurredAt DESC, i.id DESC LIMIT $limit
  MATCH (c:Customer)-[:HAD]->(i)
  RETURN collect({
    key: [i.occurredAt.epochSeconds, i.occurredAt.nanosecond, i.id],
    node: i {.*, customerId: c.id, productId: [(i)-[:ABOUT]->(p:Product) | p.id][0]}
  }) AS rows
}
// The count. Unfiltered: every ticket's (type, occurredAt) entry. Filtered: the same two
// indexes' entries for every status and priority asked, so only matching entries are read
// and no ticket itself; occurredAt, last in each index, keeps the tickets the page can list.
// Each branch but the one that applies seeks a null (nothing, at once); the hints keep the
// planner from counting the filters off the (type, occurredAt) index, as it does when it
// cannot see the lists' sizes.
CALL () {
  CALL () {
    MATCH (i:Interaction)
    WHERE i.type = CASE WHEN $count AND $statuses IS NULL AND $priorities IS NULL
                             AND $assignee IS NULL THEN 'TICKET' END
      AND i.occurredAt IS NOT NULL
    RETURN count(i) AS n
    UNION ALL
    MATCH (i:Interaction)
    USING INDEX i:Interaction(type, status, priority, occurredAt)
    WHERE i.type = CASE WHEN $count AND $assignee IS NULL
                             AND ($statuses IS NOT NULL OR $priorities IS NOT NULL) THEN 'TICKET' END
      AND i.status IN coalesce($statuses, $everyStatus)
      AND i.priority IN coalesce($priorities, $everyPriority)
      AND i.occurredAt IS NOT NULL
    RETURN count(i) AS n
    UNION ALL
    MATCH (i:Interaction)
    USING INDEX i:Interaction(type, assignee, status, priority, occurredAt)
    WHERE i.type = CASE WHEN $count THEN 'TICKET' END AND i.assignee = $assignee
      AND i.status IN coalesce($statuses, $everyStatus)
      AND i.priority IN coalesce($priorities, $everyPriority)
      AND i.occurredAt IS NOT NULL
    RETURN count(i) AS n
  }
  RETURN sum(n) AS total
}
RETURN rows, CASE WHEN $count THEN total END AS total
