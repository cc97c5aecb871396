// Readiness: Neo4j answers a query.
// Returns: ok
RETURN 1 AS ok
