// Tag.customers: the customers holding it directly, by id, $limit of them after the id
// $after ('' from the first), and how many in all.
// Projects: Customer at edges.node
{
  rows: COLLECT {
    MATCH ({{node}}:Customer)-[:HAS_TAG]->({{this}})
    WHERE {{node}}.id > $after
    WITH DISTINCT {{node}} ORDER BY {{node}}.id LIMIT $limit
    RETURN {key: [{{node}}.id], node: {{node}} {.id{{fields}}}}
  },
  total: COUNT { MATCH ({{holder}}:Customer)-[:HAS_TAG]->({{this}}) RETURN DISTINCT {{holder}} }
}
