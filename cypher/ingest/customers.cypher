// Upsert customers by id. `updatedAt` moves only when a property really changes, so
// importing the same line twice changes nothing. `createdAt` comes from the line, or is set
// once when the customer is created. Dates and times arrive as ISO text (UTC). nameKey is
// the name NFKC-normalised and lower-cased (searchCustomers).
// Returns: nothing
UNWIND $rows AS row
WITH row, date(row.birthDate) AS birthDate, datetime(row.createdAt) AS createdAt
MERGE (c:Customer {id: row.id})
  ON CREATE SET c.createdAt = coalesce(createdAt, $now)
WITH c, row, birthDate, createdAt,
     any(k IN keys(row.props) WHERE c[k] IS NULL OR c[k] <> row.props[k])
     OR (birthDate IS NOT NULL AND (c.birthDate IS NULL OR c.birthDate <> birthDate))
     OR (createdAt IS NOT NULL AND c.createdAt <> createdAt) AS changed
SET c += row.props,
    c.birthDate = coalesce(birthDate, c.birthDate),
    c.createdAt = coalesce(createdAt, c.createdAt),
    c.updatedAt = CASE WHEN changed OR c.updatedAt IS NULL THEN $now ELSE c.updatedAt END
SET c.nameKey = toLower(normalize(c.name, NFKC))
