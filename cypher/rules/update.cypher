// updateTagRule: a new name and/or definition (null: keep). A name taken by another rule
// writes nothing (duplicate = true). The caller has checked the definition.
// Returns: duplicate, rule
MATCH (rule:TagRule {id: $id})-[:KEEPS]->(t:Tag)
OPTIONAL MATCH (taken:TagRule {name: $ruleName}) WHERE taken <> rule
WITH rule, t, count(taken) > 0 AS duplicate
CALL (rule, duplicate) {
  WITH * WHERE NOT duplicate
  SET rule.name = coalesce($ruleName, rule.name),
      rule.definition = coalesce($definition, rule.definition)
}
RETURN duplicate, rule {.*, tag: t {.*}} AS rule
