// Upsert tags by (normalised) name. A new tag gets an id (the line's, or a random UUID),
// status ACTIVE and createdAt; an existing tag keeps them.
UNWIND $rows AS row
MERGE (t:Tag {name: row.name})
  ON CREATE SET t.id = coalesce(row.id, randomUUID()), t.status = 'ACTIVE', t.createdAt = $now
SET t += row.props
