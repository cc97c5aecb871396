// The webhook sender's second step, in lock.cypher's transaction: lease the locked rules
// $ids to $owner until $until (a lease taken meanwhile by another replica stays theirs), and
// read the first $batch pending deliveries of each, in event order (they are sent in this
// order, each only after the one before it succeeded or was given up).
// Returns: rule, deliveries
UNWIND $ids AS id
MATCH (rule:LinkageRule {id: id})
WHERE coalesce(rule.leaseUntil, $now) <= $now
SET rule.leaseUntil = $until, rule.leaseOwner = $owner
WITH rule
CALL (rule) {
  MATCH (d:PendingDelivery {ruleId: rule.id})
  WHERE d.eventSeq IS NOT NULL
  WITH d ORDER BY d.eventSeq LIMIT $batch
  RETURN collect(d {.*}) AS deliveries
}
RETURN rule {.id, .name, .trigger, .webhookUrl} AS rule, deliveries
