// Customer.mergedIds: the ids of the customers merged into it (mergeCustomers), by id.
COLLECT {
  MATCH ({{alias}}:CustomerAlias)-[:ALIAS_OF]->({{this}})
  WITH {{alias}}.id AS {{id}} ORDER BY {{id}}
  RETURN {{id}}
}
