// Customer ids as callers give them, to the ids they mean now: the id of a customer merged
// into another (mergeCustomers) means that other one. Other ids stay as they are.
// Returns: id, current
UNWIND $ids AS id
OPTIONAL MATCH (:CustomerAlias {id: id})-[:ALIAS_OF]->(c:Customer)
RETURN id, coalesce(c.id, id) AS current
