// Customer.stageHistory: the stages it has been in, oldest first, as spans {stage, from, to};
// the current one (IN_STAGE) last, with `to` null. A span without a start (a stage imported
// without `since`) starts at the customer's createdAt.
COLLECT {
  MATCH ({{this}})-[{{span}}:WAS_IN_STAGE|IN_STAGE]->({{stage}}:LifecycleStage)
  WITH {{stage}}, {{span}}.to AS until,
       coalesce({{span}}.from, {{span}}.since, {{this}}.createdAt,
                datetime('1970-01-01T00:00:00Z')) AS start
  ORDER BY start, until IS NULL, until
  RETURN {stage: {{stage}}.name, from: start, to: until}
}
