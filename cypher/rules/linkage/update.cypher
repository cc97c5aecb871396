// updateLinkageRule: rule $id redefined by $definition (every field: a null one is removed)
// and renamed $ruleName; its tag relationship replaced by $relationship to $tagName. A new
// trigger (kind, tag or stage) moves `since` to now: the rule fires for changes from then on.
// New owners restart the round-robin. A rule that no longer calls a webhook drops the
// deliveries still pending. A name another rule has writes nothing (duplicate = true); an
// unknown id returns no row.
// Returns: duplicate, rule
MATCH (rule:LinkageRule {id: $id})
OPTIONAL MATCH (taken:LinkageRule {name: $ruleName}) WHERE taken <> rule
WITH rule, count(taken) > 0 AS duplicate
OPTIONAL CALL (rule, duplicate) {
  WITH rule WHERE NOT duplicate
  OPTIONAL MATCH (t:Tag {name: $tagName})
  WITH rule, t WHERE $tagName IS NULL OR t IS NOT NULL
  OPTIONAL MATCH (rule)-[old:WHEN_ADDED|WHEN_REMOVED]->(was:Tag)
  WITH rule, t, old,
       coalesce(rule.trigger, 'TAG_ADDED') <> $definition.trigger
         OR coalesce(was.id, '') <> coalesce(t.id, '')
         OR coalesce(rule.stage, '') <> coalesce($definition.stage, '') AS retargeted,
       coalesce(rule.owners, []) <> coalesce($definition.owners, []) AS newOwners
  DELETE old
  SET rule += $definition,
      rule.name = $ruleName,
      rule.updatedAt = $now,
      rule.since = CASE WHEN retargeted THEN $now ELSE rule.since END,
      rule.assigned = CASE WHEN newOwners THEN 0 ELSE rule.assigned END
  FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END |
    CREATE (rule)-[:$($relationship)]->(t)
  )
  WITH rule, t
  CALL (rule) {
    WITH rule WHERE rule.action <> 'CALL_WEBHOOK'
    MATCH (d:PendingDelivery {ruleId: rule.id})
    DETACH DELETE d
  }
  RETURN rule {.*, tag: t {.*}} AS written
}
RETURN duplicate, written AS rule
