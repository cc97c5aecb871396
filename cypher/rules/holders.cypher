// A rule run: who holds the rule's tag (from any source), and who holds it from this rule.
// Returns: held, ruled
MATCH (rule:TagRule {id: $ruleId})-[:KEEPS]->(t:Tag)
RETURN COLLECT { MATCH (c:Customer)-[:HAS_TAG]->(t) RETURN c.id } AS held,
       COLLECT { MATCH (c:Customer)-[r:HAS_TAG]->(t) WHERE r.ruleId = $ruleId RETURN c.id }
         AS ruled
