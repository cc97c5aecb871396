// Mutation.createTask: an OPEN task for the customer $customerId, made by $actor; no row when
// there is no such customer (nothing written).
// Returns: task
MATCH (c:Customer {id: $customerId})
CREATE (c)-[:HAS_TASK]->(t:Task {id: $taskId, title: $title, createdAt: $now, dueAt: $dueAt,
                                 assignee: $assignee, status: 'OPEN', createdBy: $actor})
RETURN t {.*, customerId: c.id} AS task
