// Which lifecycle stages do support tickets come from? TICKET interactions counted by the stage
// the customer was in when the ticket occurred: the stage history span that holds its
// `occurredAt` (a closed (:Customer)-[:WAS_IN_STAGE {from, to}] from `from` up to `to`, or the
// current [:IN_STAGE {since}] from `since` on). Every stage in lifecycle order, then a row with
// no stage when some tickets came before the customer's first stage (or from a customer
// without one).
//
// Parameters:
//   $since = null  only tickets at or after this ISO 8601 time; null: every ticket
// Columns:
//   stage      the stage the customer was in (empty: in none)
//   tickets    tickets raised from that stage
//   customers  distinct customers who raised them
//   share      the stage's share of all these tickets, 0.0-1.0, rounded to 0.0001
CALL () {
  MATCH (c:Customer)-[:HAD]->(t:Interaction {type: 'TICKET'})
  WHERE $since IS NULL OR t.occurredAt >= datetime($since)
  OPTIONAL CALL (c, t) {
    MATCH (c)-[span:WAS_IN_STAGE|IN_STAGE]->(s:LifecycleStage)
    WITH s, coalesce(span.from, span.since) AS start, span.to AS until
    WHERE start <= t.occurredAt AND (until IS NULL OR t.occurredAt < until)
    // spans of a merged customer may overlap: the latest one started wins
    RETURN s.name AS stage
    ORDER BY start DESC
    LIMIT 1
  }
  RETURN stage, count(t) AS tickets, count(DISTINCT c) AS customers
}
WITH collect({stage: stage, tickets: tickets, customers: customers}) AS found,
     sum(tickets) AS total
WITH found, total,
     COLLECT { MATCH (s:LifecycleStage) RETURN s.name ORDER BY s.order } + [null] AS stages
UNWIND range(0, size(stages) - 1) AS i
WITH i, stages[i] AS stage, total,
     [x IN found WHERE x.stage = stages[i] OR (x.stage IS NULL AND stages[i] IS NULL)][0] AS row
WHERE stage IS NOT NULL OR row IS NOT NULL
RETURN stage, coalesce(row.tickets, 0) AS tickets, coalesce(row.customers, 0) AS customers,
       CASE WHEN total > 0 THEN round(toFloat(coalesce(row.tickets, 0)) / total, 4) ELSE 0.0 END
         AS share
ORDER BY i
