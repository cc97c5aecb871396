// Upsert interactions by id: (customer)-[:HAD]->(interaction)-[:ABOUT]->(product).
// Returns the rows whose customer or product exists nowhere, with the field at fault.
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {id: row.customerId})
OPTIONAL MATCH (p:Product {id: row.productId})
OPTIONAL MATCH (known:Interaction {id: row.id})
WITH row, c, p, known,
     CASE
       WHEN c IS NULL THEN 'customerId'
       WHEN row.productId IS NOT NULL AND p IS NULL THEN 'productId'
     END AS missing
// A new interaction: plain CREATEs, cheaper than MERGE (the importer never puts one id
// twice in a batch, and the id constraint still guards against duplicates).
CALL (row, c, p, known, missing) {
  WITH row, c, p WHERE missing IS NULL AND known IS NULL
  CREATE (c)-[:HAD]->(i:Interaction {id: row.id})
  SET i += row.props, i.occurredAt = datetime(row.occurredAt)
  WITH i, p WHERE p IS NOT NULL
  CREATE (i)-[:ABOUT]->(p)
}
// One seen before: update it. An interaction belongs to one customer and is about at most
// one product, so a line naming another one moves it; without a productId, an existing
// ABOUT is left alone.
CALL (row, c, p, known, missing) {
  WITH row, c, p, known AS i WHERE missing IS NULL AND known IS NOT NULL
  SET i += row.props, i.occurredAt = datetime(row.occurredAt)
  WITH c, p, i
  CALL (c, i) {
    OPTIONAL MATCH (other:Customer)-[had:HAD]->(i) WHERE other <> c
    DELETE had
  }
  MERGE (c)-[:HAD]->(i)
  WITH p, i WHERE p IS NOT NULL
  CALL (p, i) {
    OPTIONAL MATCH (i)-[about:ABOUT]->(other:Product) WHERE other <> p
    DELETE about
  }
  MERGE (i)-[:ABOUT]->(p)
}
WITH row, missing WHERE missing IS NOT NULL
RETURN row.i AS i, missing
