// A tag rule with its tag, by id.
MATCH (rule:TagRule {id: $id})-[:KEEPS]->(t:Tag)
RETURN rule {.*, tag: t {.*}} AS rule
