// Mutation.updateTask: the task $taskId's title, assignee and dueAt where given ($set*; a null
// assignee or dueAt clears it) and its status ($status, null: unchanged; a task without one is
// OPEN). Becoming DONE stamps completedAt/completedBy ($now, $actor); leaving DONE clears
// them. A TASK_CHANGED change event. No row when there is no such task (nothing written).
// Returns: task
MATCH (c:Customer)-[:HAS_TASK]->(t:Task {id: $taskId})
WITH c, t, coalesce(t.status, 'OPEN') AS was
SET t.title = CASE WHEN $title IS NULL THEN t.title ELSE $title END,
    t.assignee = CASE WHEN $setAssignee THEN $assignee ELSE t.assignee END,
    t.dueAt = CASE WHEN $setDueAt THEN $dueAt ELSE t.dueAt END,
    t.status = coalesce($status, was)
SET t.completedAt = CASE WHEN t.status <> 'DONE' THEN null
                         WHEN was = 'DONE' THEN t.completedAt ELSE $now END,
    t.completedBy = CASE WHEN t.status <> 'DONE' THEN null
                         WHEN was = 'DONE' THEN t.completedBy ELSE $actor END
CREATE (:Change:PendingChange {kind: 'TASK_CHANGED', at: $now, customerId: c.id, actor: $actor,
                               taskId: t.id})
RETURN t {.*, customerId: c.id} AS task
