// Delivery $id failed ($error: the status or what went wrong): tried again at $retryAt, or,
// $abandon (retried for long enough), given up: out of the outbox with abandonedAt. Counted
// on its rule (failures: attempts that failed; abandoned: deliveries given up).
// Returns: abandoned
MATCH (d:WebhookDelivery:PendingDelivery {id: $id})
SET d.attempts = d.attempts + 1, d.lastError = $error, d.lastAttemptAt = $now,
    d.nextAttemptAt = $retryAt
FOREACH (_ IN CASE WHEN $abandon THEN [1] ELSE [] END |
  REMOVE d:PendingDelivery
  SET d.abandonedAt = $now
)
WITH d
MATCH (rule:LinkageRule {id: d.ruleId})
SET rule.failures = coalesce(rule.failures, 0) + 1,
    rule.abandoned = coalesce(rule.abandoned, 0) + CASE WHEN $abandon THEN 1 ELSE 0 END,
    rule.lastError = $error,
    rule.lastFailedAt = $now
RETURN $abandon AS abandoned
