// Query.tagRules and runTagRules: every tag rule with its tag, in creation order (the order
// rules run in, so a rule may use a tag an earlier rule keeps).
// Returns: rule
MATCH (rule:TagRule)-[:KEEPS]->(t:Tag)
RETURN rule {.*, tag: t {.*}} AS rule
ORDER BY rule.createdAt, rule.name
