// How long do customers stay in each lifecycle stage? Stays that have ended (WAS_IN_STAGE
// from → to) and the current ones (IN_STAGE since → $asOf), in whole days. A current stay
// that begins after $asOf is left out.
//
// Parameters:
//   $asOf = null  ISO 8601 time the current stays are measured to; null: now
// Columns:
//   stage           the stage, in lifecycle order
//   closedStays     stays in the stage that have ended
//   avgDays         their mean length in days, rounded to 0.1
//   medianDays      their median length (percentileDisc 0.5: the lower middle one)
//   maxDays         the longest
//   current         customers in the stage now (whose stay began by $asOf)
//   currentAvgDays  mean days they have been in it so far, rounded to 0.1
MATCH (s:LifecycleStage)
CALL (s) {
  OPTIONAL MATCH (:Customer)-[was:WAS_IN_STAGE]->(s)
  WITH duration.inDays(was.from, was.to).days AS days
  RETURN count(days) AS closedStays, round(avg(days), 1) AS avgDays,
         percentileDisc(days, 0.5) AS medianDays, max(days) AS maxDays
}
CALL (s) {
  WITH s, coalesce(datetime($asOf), datetime()) AS asOf
  OPTIONAL MATCH (:Customer)-[stay:IN_STAGE]->(s)
  WHERE stay.since <= asOf
  WITH duration.inDays(stay.since, asOf).days AS days
  RETURN count(days) AS current, round(avg(days), 1) AS currentAvgDays
}
RETURN s.name AS stage, closedStays, avgDays, medianDays, maxDays, current, currentAvgDays
ORDER BY s.order
