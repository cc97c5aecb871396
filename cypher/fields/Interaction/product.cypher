// Interaction.product: what it was about (every PURCHASE and VIEW has one), or null.
// Projects: Product
head(COLLECT { MATCH ({{this}})-[:ABOUT]->({{node}}:Product) RETURN {{node}} {.id{{fields}}} })
