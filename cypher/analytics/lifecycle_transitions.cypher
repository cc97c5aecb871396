// How do customers move between lifecycle stages? The transition matrix: one row per stage
// left, one column per stage entered, counting the moves in the stage history (a closed
// (:Customer)-[:WAS_IN_STAGE {to}]->(stage) followed by the stay that starts at `to`).
//
// Parameters:
//   $since = null  only moves at or after this ISO 8601 time; null: every move
// Columns:
//   fromStage  the stage left; every stage, in lifecycle order
//   PROSPECT   moves from fromStage into PROSPECT
//   NEW        moves into NEW
//   ACTIVE     moves into ACTIVE
//   LOYAL      moves into LOYAL
//   AT_RISK    moves into AT_RISK
//   DORMANT    moves into DORMANT
//   CHURNED    moves into CHURNED
//   total      every move out of fromStage
MATCH (s:LifecycleStage)
OPTIONAL CALL (s) {
  MATCH (c:Customer)-[was:WAS_IN_STAGE]->(s)
  WHERE $since IS NULL OR was.to >= datetime($since)
  MATCH (c)-[next:WAS_IN_STAGE|IN_STAGE]->(to:LifecycleStage)
  WHERE coalesce(next.from, next.since) = was.to
  RETURN to.name AS toStage
}
WITH s, collect(toStage) AS moves
RETURN s.name AS fromStage,
       size([m IN moves WHERE m = 'PROSPECT']) AS PROSPECT,
       size([m IN moves WHERE m = 'NEW']) AS NEW,
       size([m IN moves WHERE m = 'ACTIVE']) AS ACTIVE,
       size([m IN moves WHERE m = 'LOYAL']) AS LOYAL,
       size([m IN moves WHERE m = 'AT_RISK']) AS AT_RISK,
       size([m IN moves WHERE m = 'DORMANT']) AS DORMANT,
       size([m IN moves WHERE m = 'CHURNED']) AS CHURNED,
       size(moves) AS total
ORDER BY s.order
