// One audit entry, written in the transaction of the mutation it records (graph/audit.py).
// `arguments` is JSON with personal data already masked.
// Returns: id
CREATE (e:AuditEntry {id: randomUUID(), actor: $actor, action: $action,
                      arguments: $arguments, at: $at})
RETURN e.id AS id
