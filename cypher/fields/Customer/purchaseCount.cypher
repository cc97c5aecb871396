// Customer.purchaseCount: how many PURCHASE interactions it has: the stored figure
// (cypher/customers/purchase_totals.cypher), counted where none is stored.
coalesce({{this}}.purchaseCount, COUNT { ({{this}})-[:HAD]->(:Interaction {type: 'PURCHASE'}) })
