// createLinkageRule: a new (:LinkageRule) on the tag $tagName. A taken name writes nothing
// (duplicate = true). The caller has checked the tag and the action's fields.
// Returns: duplicate, rule
OPTIONAL MATCH (taken:LinkageRule {name: $ruleName})
WITH count(taken) > 0 AS duplicate
OPTIONAL CALL (duplicate) {
  WITH duplicate WHERE NOT duplicate
  MATCH (t:Tag {name: $tagName})
  CREATE (rule:LinkageRule {id: $id, name: $ruleName, action: $action, taskTitle: $taskTitle,
                            dueInDays: $dueInDays, owners: $owners, assigned: 0,
                            createdAt: $now, since: $now})-[:WHEN_ADDED]->(t)
  RETURN rule {.*, tag: t {.*}} AS rule
}
RETURN duplicate, rule
