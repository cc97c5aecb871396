// Retention (graph/changes.py): delete numbered events written before $cutoff, at most $batch
// of them in one transaction, oldest first. Tag events stay: they are the customers' tag
// history (Customer.timeline, tags(asOf:)). Pending events have no seq yet and the
// (:EventLog) nodes are not events, so neither is ever deleted and seq numbers go on as before.
// The scan goes on in seq order from where the last one ended (the (:EventLog {id: 'retention'})
// node's scannedThrough) and stops at the first event not yet old enough: events written out
// of seq order wait for a later run. That node is written first, which locks it: pruners on
// several replicas take turns, and each starts where the one before stopped.
// Returns: scanned, deleted, prunedThrough, more
MERGE (mark:EventLog {id: 'retention'})
  ON CREATE SET mark.scannedThrough = 0, mark.prunedThrough = 0
SET mark.prunedAt = $now
WITH mark
CALL (mark) {
  MATCH (e:Change)
  WHERE e.seq > mark.scannedThrough
  WITH e ORDER BY e.seq LIMIT $batch
  RETURN collect(e) AS window
}
// an event without `at` counts as young: what cannot be dated is not deleted
WITH mark, window,
     [n IN range(0, size(window) - 1) WHERE NOT coalesce(window[n].at < $cutoff, false)][0]
       AS young
WITH mark, window[..coalesce(young, size(window))] AS old,
     young IS NULL AND size(window) = $batch AS more
WITH mark, old, more, [e IN old WHERE NOT e:TagEvent] AS expired
SET mark.scannedThrough = coalesce(last(old).seq, mark.scannedThrough),
    mark.prunedThrough = coalesce(last(expired).seq, mark.prunedThrough)
FOREACH (e IN expired | DETACH DELETE e)
RETURN size(old) AS scanned, size(expired) AS deleted, mark.prunedThrough AS prunedThrough, more
