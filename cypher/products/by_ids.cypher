// Loader: products by id.
// Returns: key, value
UNWIND $ids AS id
MATCH (p:Product {id: id})
RETURN id AS key, p {.*} AS value
