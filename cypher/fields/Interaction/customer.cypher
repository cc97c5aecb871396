// Interaction.customer: who it was with.
// Projects: Customer
head(COLLECT { MATCH ({{this}})<-[:HAD]-({{node}}:Customer) RETURN {{node}} {.id{{fields}}} })
