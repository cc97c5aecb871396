// `c360 migrate`: tickets from before tickets had a status and a priority (imports and demo
// graphs older than them) are OPEN and NORMAL, as an import makes a ticket that gives none.
// The queue's counts read every ticket as having one of each (cypher/tickets/page.cypher).
// Returns: tickets
MATCH (i:Interaction)
WHERE i.type = 'TICKET' AND (i.status IS NULL OR i.priority IS NULL)
SET i.status = coalesce(i.status, 'OPEN'), i.priority = coalesce(i.priority, 'NORMAL')
RETURN count(i) AS tickets
