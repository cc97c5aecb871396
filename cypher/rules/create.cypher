// createTagRule: a new enabled (:TagRule) keeping the tag $tagName. A taken rule name writes
// nothing (duplicate = true). The caller has checked the tag and the definition.
// Returns: duplicate, rule
OPTIONAL MATCH (taken:TagRule {name: $ruleName})
WITH count(taken) > 0 AS duplicate
OPTIONAL CALL (duplicate) {
  WITH duplicate WHERE NOT duplicate
  MATCH (t:Tag {name: $tagName})
  CREATE (rule:TagRule {id: $id, name: $ruleName, definition: $definition, enabled: true,
                        createdAt: datetime()})-[:KEEPS]->(t)
  RETURN rule {.*, tag: t {.*}} AS rule
}
RETURN duplicate, rule
