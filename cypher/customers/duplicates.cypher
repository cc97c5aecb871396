// duplicateCustomers: the customers sharing a key with another, one row per key value held by
// two or more: the normalised email, the normalised phone (both as every write path stores
// them), or the name key and the birthDate together. Each is one pass over an index of the
// key (customer_email, customer_phone, customer_birth_date), grouped by value; only the ids
// of the customers in a shared value leave Neo4j (graph/duplicates.py unites the groups).
// Returns: reason, ids
CALL () {
  MATCH (c:Customer) WHERE c.email IS NOT NULL
  WITH c.email AS value, collect(c.id) AS ids
  WHERE size(ids) > 1
  RETURN 'email' AS reason, ids
  UNION ALL
  MATCH (c:Customer) WHERE c.phone IS NOT NULL
  WITH c.phone AS value, collect(c.id) AS ids
  WHERE size(ids) > 1
  RETURN 'phone' AS reason, ids
  UNION ALL
  MATCH (c:Customer) WHERE c.birthDate IS NOT NULL
  WITH c.birthDate AS born, c.nameKey AS name, collect(c.id) AS ids
  WHERE name IS NOT NULL AND size(ids) > 1
  RETURN 'name+birthDate' AS reason, ids
}
RETURN reason, ids
