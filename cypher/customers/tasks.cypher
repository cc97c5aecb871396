// Loader: Customer.tasks, oldest first, each with the linkage rule that made it (if one did).
// Returns: key, value
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN id AS key, COLLECT {
  MATCH (c)-[:HAS_TASK]->(task:Task)
  OPTIONAL MATCH (task)-[:CREATED_BY]->(rule:LinkageRule)
  OPTIONAL MATCH (rule)-[:WHEN_ADDED|WHEN_REMOVED]->(t:Tag)
  WITH task, rule, t ORDER BY task.createdAt, task.eventSeq, task.id
  RETURN task {.*, customerId: c.id,
               rule: CASE WHEN rule IS NULL THEN null ELSE rule {.*, tag: t {.*}} END}
} AS value
