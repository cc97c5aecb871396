// The seq of the newest event retention deleted (0 before any): a client resuming from an
// older seq may have missed events (graph/changes.py).
// Returns: prunedThrough
OPTIONAL MATCH (mark:EventLog {id: 'retention'})
RETURN coalesce(mark.prunedThrough, 0) AS prunedThrough
