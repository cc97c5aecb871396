// Query.serviceLevels: TICKET interactions that occurred in [$from, $to), per priority (each of
// $levels, [{priority, hours}] in the order to answer, hours being the priority's target to
// resolve): how many; how many are still open at $to (not resolved before it); the median
// minutes to the first response and hours to resolution (of those that have one by $to); and how
// many breached the target: resolved later than it, or unresolved at $asOf (the window's end,
// or now if sooner) while past it.
// Returns: priority, tickets, open, medianFirstResponseMinutes, medianResolutionHours, breached
UNWIND range(0, size($levels) - 1) AS n
WITH n, $levels[n] AS level
OPTIONAL CALL (level) {
  MATCH (i:Interaction)
  WHERE i.type = 'TICKET' AND i.occurredAt >= $from AND i.occurredAt < $to
    AND coalesce(i.priority, 'NORMAL') = level.priority
  WITH i, i.occurredAt + duration({hours: level.hours}) AS due,
       CASE WHEN i.resolvedAt < $to THEN i.resolvedAt END AS resolved,
       CASE WHEN i.firstResponseAt < $to THEN i.firstResponseAt END AS responded
  RETURN count(i) AS tickets,
         count(CASE WHEN resolved IS NULL THEN 1 END) AS open,
         percentileCont(duration.inSeconds(i.occurredAt, responded).seconds / 60.0, 0.5)
           AS firstResponse,
         percentileCont(duration.inSeconds(i.occurredAt, resolved).seconds / 3600.0, 0.5)
           AS resolution,
         count(CASE WHEN resolved > due OR (resolved IS NULL AND $asOf > due) THEN 1 END)
           AS breached
}
RETURN level.priority AS priority, tickets, open, firstResponse AS medianFirstResponseMinutes,
       resolution AS medianResolutionHours, breached
ORDER BY n
