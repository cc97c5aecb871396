// Query.linkageRules: every linkage rule with its tag (none for STAGE_ENTERED), in creation
// order.
// Returns: rule
MATCH (rule:LinkageRule)
OPTIONAL MATCH (rule)-[:WHEN_ADDED|WHEN_REMOVED]->(t:Tag)
RETURN rule {.*, tag: t {.*}} AS rule
ORDER BY rule.createdAt, rule.name
