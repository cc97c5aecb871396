// createLinkageRule: a new (:LinkageRule) defined by $definition (trigger, action and the
// action's fields; null ones are left out); a tag trigger links it to the tag $tagName by
// $relationship (WHEN_ADDED or WHEN_REMOVED). A taken name writes nothing (duplicate = true).
// The caller has checked the trigger, the tag and the action's fields.
// Returns: duplicate, rule
OPTIONAL MATCH (taken:LinkageRule {name: $ruleName})
WITH count(taken) > 0 AS duplicate
OPTIONAL CALL (duplicate) {
  WITH duplicate WHERE NOT duplicate
  OPTIONAL MATCH (t:Tag {name: $tagName})
  WITH t WHERE $tagName IS NULL OR t IS NOT NULL
  CREATE (rule:LinkageRule {id: $id, name: $ruleName, enabled: true, assigned: 0,
                            deliveries: 0, failures: 0, abandoned: 0,
                            createdAt: $now, since: $now})
  SET rule += $definition
  FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END |
    CREATE (rule)-[:$($relationship)]->(t)
  )
  RETURN rule {.*, tag: t {.*}} AS rule
}
RETURN duplicate, rule
