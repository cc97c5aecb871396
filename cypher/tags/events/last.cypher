// Subscribers start from the newest dispatched event.
// Returns: last
OPTIONAL MATCH (log:EventLog {id: 'tagEvents'})
RETURN coalesce(log.seq, 0) AS last
