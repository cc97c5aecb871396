// Customer.purchaseCount: how many PURCHASE interactions it has.
COUNT { ({{this}})-[:HAD]->(:Interaction {type: 'PURCHASE'}) }
