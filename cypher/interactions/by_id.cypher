// An interaction as the API returns it (recordInteraction's answer), with its customer's id
// and its product's; no row when there is none.
// Returns: interaction
MATCH (c:Customer)-[:HAD]->(i:Interaction {id: $id})
RETURN i {.*, customerId: c.id, productId: [(i)-[:ABOUT]->(p:Product) | p.id][0]} AS interaction
