// setTagRuleEnabled: a disabled rule is skipped by runs; the assignments it made stay.
// Returns: rule
MATCH (rule:TagRule {id: $id})-[:KEEPS]->(t:Tag)
SET rule.enabled = $enabled
RETURN rule {.*, tag: t {.*}} AS rule
