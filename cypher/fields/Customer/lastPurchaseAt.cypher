// Customer.lastPurchaseAt: when its latest PURCHASE happened, or null.
head(COLLECT {
  MATCH ({{this}})-[:HAD]->({{purchase}}:Interaction {type: 'PURCHASE'})
  RETURN max({{purchase}}.occurredAt)
})
