// A tag rule with its tag, by id.
// Returns: rule
MATCH (rule:TagRule {id: $id})-[:KEEPS]->(t:Tag)
RETURN rule {.*, tag: t {.*}} AS rule
