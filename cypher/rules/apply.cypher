// A rule run's writes: the tag (source RULE) for members who lack it, and away from those
// this rule tagged who no longer match. Other assignments are never touched. Every change is
// recorded as a pending (:TagEvent) in the same transaction.
// Returns: rule, added, removed
MATCH (rule:TagRule {id: $ruleId})-[:KEEPS]->(t:Tag)
CALL (t) {
  UNWIND $add AS id
  MATCH (c:Customer {id: id})
  WHERE NOT EXISTS { (c)-[:HAS_TAG]->(t) }
  CREATE (c)-[:HAS_TAG {source: 'RULE', ruleId: $ruleId, assignedAt: $now}]->(t)
  CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: 'RULE', at: $now, ruleId: $ruleId,
                                     assignedAt: $now, actor: 'rule:' + $ruleId,
                                     customerId: c.id, tagId: t.id, tagName: t.name})
  RETURN count(*) AS added
}
CALL (t) {
  UNWIND $remove AS id
  MATCH (c:Customer {id: id})-[r:HAS_TAG]->(t)
  WHERE r.source = 'RULE' AND r.ruleId = $ruleId
  CREATE (:TagEvent:PendingTagEvent {change: 'REMOVED', source: 'RULE', at: $now,
                                     ruleId: $ruleId, actor: 'rule:' + $ruleId,
                                     customerId: c.id, tagId: t.id, tagName: t.name})
  DELETE r
  RETURN count(*) AS removed
}
SET rule.lastRunAt = $now
RETURN rule {.*, tag: t {.*}} AS rule, added, removed
