// Upsert products by id.
// Returns: nothing
UNWIND $rows AS row
MERGE (p:Product {id: row.id})
SET p += row.props
