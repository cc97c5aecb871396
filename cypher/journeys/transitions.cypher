// Query.stageTransitions: the moves between lifecycle stages whose stage was entered in
// [$start, $end) (a null bound is open), one row per (stage left, stage entered). A customer's
// spans, (:Customer)-[:WAS_IN_STAGE {from, to}]->(:LifecycleStage) and the current
// [:IN_STAGE {since}], ordered by their start as Customer.stageHistory orders them, are its
// path: each span is a move from the span before it into its stage, the first one from
// nothing (fromStage null). A span without a start is left out.
// customers: distinct customers who made the move in the window; medianDaysInFrom: the median
// (percentileCont: the mean of the middle two) of the days, fractional, spent in the stage
// left, over the moves; null for first stages. By customers descending, then the stage left
// (null first), then the stage entered, in lifecycle order.
// Returns: fromStage, toStage, customers, medianDaysInFrom
MATCH (c:Customer)
CALL (c) {
  // no label on `stage`: these relationships only lead to stages, and a check costs a db hit
  MATCH (c)-[span:WAS_IN_STAGE|IN_STAGE]->(stage)
  WITH stage, span.to AS until, coalesce(span.from, span.since) AS start
  WHERE start IS NOT NULL
  ORDER BY start, until IS NULL, until
  RETURN collect({stage: stage.name, start: start, until: until}) AS path
}
UNWIND range(0, size(path) - 1) AS i
WITH c, path[i] AS entered, CASE WHEN i > 0 THEN path[i - 1] END AS left
WHERE ($start IS NULL OR entered.start >= $start) AND ($end IS NULL OR entered.start < $end)
WITH left.stage AS fromStage, entered.stage AS toStage, count(DISTINCT c) AS customers,
     percentileCont(
       duration.inSeconds(left.start, coalesce(left.until, entered.start)).seconds / 86400.0, 0.5
     ) AS medianDaysInFrom
// the order of the stages, looked up for the few groups rather than for every span
OPTIONAL MATCH (fromNode:LifecycleStage {name: fromStage})
MATCH (toNode:LifecycleStage {name: toStage})
RETURN fromStage, toStage, customers, medianDaysInFrom
ORDER BY customers DESC, coalesce(fromNode.order, 0), toNode.order
