// Query.customers: $limit customers by id after the id $after ('' from the first), with
// everything selected below them, and how many customers there are.
// Projects: Customer
CALL () {
  MATCH ({{node}}:Customer)
  WHERE {{node}}.id > $after
  WITH {{node}} ORDER BY {{node}}.id LIMIT $limit
  RETURN collect({key: [{{node}}.id], node: {{node}} {.id{{fields}}}}) AS rows
}
RETURN rows, COUNT { (:Customer) } AS total
