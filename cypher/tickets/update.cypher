// Mutation.updateTicket: the ticket $ticketId's status, priority, assignee and note where given
// ($status, $priority, $note: null keeps them; $setAssignee: change the assignee to $assignee,
// null clears it). The first update that moves it out of OPEN is its first response
// (firstResponseAt = $now, unless it has one); becoming RESOLVED or CLOSED stamps resolvedAt
// ($now), going back to OPEN or PENDING clears it. A TICKET_CHANGED change event, by $actor.
// No row when there is no such ticket.
// Returns: ticket
MATCH (c:Customer)-[:HAD]->(i:Interaction {id: $ticketId, type: 'TICKET'})
WITH c, i, i.status AS was
SET i.status = coalesce($status, i.status),
    i.priority = coalesce($priority, i.priority),
    i.assignee = CASE WHEN $setAssignee THEN $assignee ELSE i.assignee END,
    i.note = coalesce($note, i.note)
SET i.firstResponseAt = CASE WHEN i.firstResponseAt IS NULL AND i.status <> 'OPEN' THEN $now
                             ELSE i.firstResponseAt END,
    i.resolvedAt = CASE WHEN NOT i.status IN ['RESOLVED', 'CLOSED'] THEN null
                        WHEN was IN ['RESOLVED', 'CLOSED'] THEN i.resolvedAt ELSE $now END
CREATE (:Change:PendingChange {kind: 'TICKET_CHANGED', at: $now, customerId: c.id,
                               actor: $actor, interactionId: i.id})
RETURN i {.*, customerId: c.id, productId: null} AS ticket
