// Product.buyerCount: the distinct customers with a PURCHASE of it.
COUNT {
  MATCH ({{buyer}}:Customer)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->({{this}})
  RETURN DISTINCT {{buyer}}
}
