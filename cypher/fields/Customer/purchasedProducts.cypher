// Customer.purchasedProducts: the distinct products of its purchases, by id.
// Projects: Product
COLLECT {
  MATCH ({{this}})-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->({{node}}:Product)
  WITH DISTINCT {{node}} ORDER BY {{node}}.id
  RETURN {{node}} {.id{{fields}}}
}
