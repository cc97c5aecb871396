// Customer.totalSpend: the sum of its PURCHASE amounts (0.0 without any): the stored figure
// (cypher/customers/purchase_totals.cypher), counted from its purchases where none is stored.
CASE WHEN {{this}}.purchaseCount IS NULL THEN head(COLLECT {
  MATCH ({{this}})-[:HAD]->({{purchase}}:Interaction {type: 'PURCHASE'})
  RETURN sum(coalesce({{purchase}}.amount, 0.0))
}) ELSE {{this}}.purchaseTotal END
