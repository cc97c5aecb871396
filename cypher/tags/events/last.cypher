// Subscribers start from the newest dispatched event.
OPTIONAL MATCH (log:EventLog {id: 'tagEvents'})
RETURN coalesce(log.seq, 0) AS last
