// Customer.totalSpend: the sum of its PURCHASE amounts (0.0 without any).
head(COLLECT {
  MATCH ({{this}})-[:HAD]->({{purchase}}:Interaction {type: 'PURCHASE'})
  RETURN sum(coalesce({{purchase}}.amount, 0.0))
})
