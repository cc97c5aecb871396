// Query.customer: one customer by $id with everything selected below it, or no row. The id
// of a customer merged into another (mergeCustomers) answers with that other one.
// Projects: Customer
OPTIONAL MATCH ({{own}}:Customer {id: $id})
OPTIONAL MATCH (:CustomerAlias {id: $id})-[:ALIAS_OF]->({{merged}}:Customer)
WITH coalesce({{own}}, {{merged}}) AS {{node}}
WHERE {{node}} IS NOT NULL
RETURN {{node}} {.id{{fields}}} AS customer
