// Delivery $id was answered 2xx ($status): out of the outbox, counted on its rule, whose
// lease (when $owner still holds it) runs on until $until.
// Returns: delivered
MATCH (d:WebhookDelivery:PendingDelivery {id: $id})
REMOVE d:PendingDelivery
SET d.deliveredAt = $now, d.attempts = d.attempts + 1, d.status = $status
WITH d
MATCH (rule:LinkageRule {id: d.ruleId})
SET rule.deliveries = coalesce(rule.deliveries, 0) + 1,
    rule.lastDeliveredAt = $now,
    rule.leaseUntil = CASE WHEN rule.leaseOwner = $owner THEN $until ELSE rule.leaseUntil END
RETURN true AS delivered
