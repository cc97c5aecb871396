// Customers written without a current nameKey (older graphs, raw Cypher) get one: the name
// NFKC-normalised and lower-cased, what searchCustomers looks in.
// Returns: filled
MATCH (c:Customer)
WHERE c.name IS NOT NULL AND c.nameKey IS NULL
SET c.nameKey = toLower(normalize(c.name, NFKC))
RETURN count(c) AS filled
