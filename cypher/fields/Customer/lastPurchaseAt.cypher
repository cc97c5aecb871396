// Customer.lastPurchaseAt: when its latest PURCHASE happened, or null: the stored figure
// (cypher/customers/purchase_totals.cypher), found among its purchases where none is stored.
CASE WHEN {{this}}.purchaseCount IS NULL THEN head(COLLECT {
  MATCH ({{this}})-[:HAD]->({{purchase}}:Interaction {type: 'PURCHASE'})
  RETURN max({{purchase}}.occurredAt)
}) ELSE {{this}}.lastPurchaseAt END
