// Tag customers. An unknown tag is created (ACTIVE). An existing assignment is left as it is
// (its source and assignedAt are kept), so re-importing changes nothing.
// Returns the rows whose customer exists nowhere.
UNWIND $rows AS row
OPTIONAL MATCH (c:Customer {id: row.customerId})
CALL (row, c) {
  WITH row, c WHERE c IS NOT NULL
  MERGE (t:Tag {name: row.tag})
    ON CREATE SET t.id = randomUUID(), t.status = 'ACTIVE', t.createdAt = $now
  MERGE (c)-[r:HAS_TAG]->(t)
    ON CREATE SET r.source = 'IMPORT', r.assignedAt = coalesce(datetime(row.assignedAt), $now)
}
WITH row, c WHERE c IS NULL
RETURN row.i AS i
