// Audit entries' arguments rewritten (eraseCustomer: personal data removed, the id kept).
// Returns: nothing
UNWIND $entries AS entry
MATCH (e:AuditEntry {id: entry.id})
SET e.arguments = entry.arguments
