// `c360 migrate`: linkage rules from before triggers, enabling and webhooks get the values
// they have meant all along (TAG_ADDED, enabled, nothing delivered), so Cypher reading them
// needs no coalesce.
// Returns: rules
MATCH (rule:LinkageRule)
WHERE rule.trigger IS NULL OR rule.enabled IS NULL OR rule.deliveries IS NULL
SET rule.trigger = coalesce(rule.trigger, 'TAG_ADDED'),
    rule.enabled = coalesce(rule.enabled, true),
    rule.deliveries = coalesce(rule.deliveries, 0),
    rule.failures = coalesce(rule.failures, 0),
    rule.abandoned = coalesce(rule.abandoned, 0)
RETURN count(rule) AS rules
