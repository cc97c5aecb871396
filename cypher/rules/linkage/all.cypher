// Query.linkageRules: every linkage rule with its tag, in creation order.
// Returns: rule
MATCH (rule:LinkageRule)-[:WHEN_ADDED]->(t:Tag)
RETURN rule {.*, tag: t {.*}} AS rule
ORDER BY rule.createdAt, rule.name
