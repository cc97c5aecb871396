// Loader: customers by id.
// Returns: key, value
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN id AS key, c {.*} AS value
