// Loader: customers by id; the id of a customer merged into another answers with that one.
// Returns: key, value
UNWIND $ids AS id
OPTIONAL MATCH (own:Customer {id: id})
OPTIONAL MATCH (:CustomerAlias {id: id})-[:ALIAS_OF]->(merged:Customer)
WITH id, coalesce(own, merged) AS c
WHERE c IS NOT NULL
RETURN id AS key, c {.*} AS value
