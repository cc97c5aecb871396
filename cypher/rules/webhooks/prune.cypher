// Retention (graph/changes.py `prune`): up to $batch webhook deliveries done (delivered or
// given up) and created before $cutoff are deleted; pending ones always stay.
// Returns: deleted
MATCH (d:WebhookDelivery)
WHERE d.createdAt < $cutoff AND NOT d:PendingDelivery
WITH d LIMIT $batch
DETACH DELETE d
RETURN count(*) AS deleted
