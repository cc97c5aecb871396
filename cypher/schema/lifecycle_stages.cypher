// The seven lifecycle stages, in order. `id` equals `name` so the stage obeys the
// every-label-has-an-id rule.
UNWIND $stages AS stage
MERGE (s:LifecycleStage {name: stage.name})
SET s.id = stage.name, s.order = stage.order
