// duplicateCustomers: the customers sharing a key with another, one row per key value held by
// two or more: the normalised email, the normalised phone (both as every write path stores
// them), or the name key and the birthDate together. Each key's values are counted from its
// index alone (customer_email, customer_phone, customer_birth_name: no customer is read), and
// only the values held twice or more are looked up for their customers' ids; graph/
// duplicates.py unites the groups.
// Returns: reason, ids
CALL () {
  MATCH (c:Customer) WHERE c.email IS NOT NULL
  WITH c.email AS value, count(*) AS holders
  WHERE holders > 1
  MATCH (d:Customer {email: value})
  WITH value, collect(d.id) AS ids
  RETURN 'email' AS reason, ids
  UNION ALL
  MATCH (c:Customer) WHERE c.phone IS NOT NULL
  WITH c.phone AS value, count(*) AS holders
  WHERE holders > 1
  MATCH (d:Customer {phone: value})
  WITH value, collect(d.id) AS ids
  RETURN 'phone' AS reason, ids
  UNION ALL
  MATCH (c:Customer) WHERE c.birthDate IS NOT NULL AND c.nameKey IS NOT NULL
  WITH c.birthDate AS born, c.nameKey AS name, count(*) AS holders
  WHERE holders > 1
  MATCH (d:Customer {birthDate: born, nameKey: name})
  WITH born, name, collect(d.id) AS ids
  RETURN 'name+birthDate' AS reason, ids
}
RETURN reason, ids
