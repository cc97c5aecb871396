// The change log (graph/changes.py): numbered events after sequence number $after, in order.
// A tag event has its tag's id and name (tagId, tagName), change and source; the other kinds
// what they are about (stage, taskId, interactionId and type, mergedIds).
// Returns: event
MATCH (e:Change)
WHERE e.seq > $after
WITH e ORDER BY e.seq LIMIT $limit
RETURN e {.*} AS event
