// Audit entries whose arguments mention $text (an erased customer's id): eraseCustomer
// removes that customer's personal data from them.
// Returns: id, arguments
MATCH (e:AuditEntry)
WHERE e.arguments CONTAINS $text
RETURN e.id AS id, e.arguments AS arguments
