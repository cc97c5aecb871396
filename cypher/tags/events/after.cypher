// Subscribers: dispatched tag events after sequence number $after, in order.
// Returns: event
MATCH (e:TagEvent)
WHERE e.seq > $after
WITH e ORDER BY e.seq LIMIT $limit
RETURN e {.*} AS event
