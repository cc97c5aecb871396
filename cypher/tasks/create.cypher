// Mutation.createTask: an OPEN task for the customer $customerId, made by $actor; no row when
// there is no such customer (nothing written). A TASK_CHANGED change event.
// Returns: task
MATCH (c:Customer {id: $customerId})
CREATE (c)-[:HAS_TASK]->(t:Task {id: $taskId, title: $title, createdAt: $now, dueAt: $dueAt,
                                 assignee: $assignee, status: 'OPEN', createdBy: $actor})
CREATE (:Change:PendingChange {kind: 'TASK_CHANGED', at: $now, customerId: c.id, actor: $actor,
                               taskId: t.id})
RETURN t {.*, customerId: c.id} AS task
