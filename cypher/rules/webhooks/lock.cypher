// The webhook sender's first step (graph/rules/webhooks.py): up to $rules CALL_WEBHOOK rules
// whose oldest pending delivery is due and whose lease (held by a sender in some replica) is
// free, write-locked for the rest of this transaction by touching them. claim.cypher, the
// transaction's next statement, reads the lease again under the lock: of two replicas that
// saw the same free lease, only the first takes it.
// Returns: id
MATCH (rule:LinkageRule {action: 'CALL_WEBHOOK'})
WHERE coalesce(rule.leaseUntil, $now) <= $now
CALL (rule) {
  MATCH (d:PendingDelivery {ruleId: rule.id})
  WHERE d.eventSeq IS NOT NULL
  RETURN d.nextAttemptAt AS due ORDER BY d.eventSeq LIMIT 1
}
WITH rule WHERE due <= $now
WITH rule LIMIT $rules
SET rule.leaseTouchedAt = $now
RETURN rule.id AS id
