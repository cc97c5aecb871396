// setLinkageRuleEnabled: a disabled rule fires for nothing; enabled again, it fires for the
// changes from then on (`since`), not for those made while it was off. No row: unknown id.
// Returns: rule
MATCH (rule:LinkageRule {id: $id})
SET rule.since = CASE WHEN $enabled AND NOT coalesce(rule.enabled, true) THEN $now
                      ELSE rule.since END,
    rule.enabled = $enabled
WITH rule
OPTIONAL MATCH (rule)-[:WHEN_ADDED|WHEN_REMOVED]->(t:Tag)
RETURN rule {.*, tag: t {.*}} AS rule
