// Query.customer: one customer by $id with everything selected below it, or no row.
// Projects: Customer
MATCH ({{node}}:Customer {id: $id})
RETURN {{node}} {.id{{fields}}} AS customer
