// Upsert customers by id. `updatedAt` moves only when a property really changes, so
// importing the same line twice changes nothing. `createdAt` comes from the line, or is set
// once when the customer is created. Dates and times arrive as ISO text (UTC). nameKey is
// the name NFKC-normalised and lower-cased (searchCustomers). A line that changes an existing
// customer is kept as a (:CustomerChange {kind: 'PROFILE_UPDATED'}) naming the changed
// properties (not their values), by 'import'. A line that creates a customer sharing a
// normalised email or phone, or its name and birthDate, with another customer (the one of
// duplicateCustomers) is returned: the import counts them and merges nothing.
// Returns: i
UNWIND $rows AS row
// the id of a customer merged into another (mergeCustomers) updates that other one
OPTIONAL MATCH (:CustomerAlias {id: row.id})-[:ALIAS_OF]->(survivor:Customer)
WITH row, coalesce(survivor.id, row.id) AS id, date(row.birthDate) AS birthDate,
     datetime(row.createdAt) AS createdAt
OPTIONAL MATCH (old:Customer {id: id})
MERGE (c:Customer {id: id})
  ON CREATE SET c.createdAt = coalesce(createdAt, $now)
WITH c, row, old IS NULL AS created,
     [k IN keys(row.props) WHERE c[k] IS NULL OR c[k] <> row.props[k]]
     + CASE WHEN birthDate IS NOT NULL AND (c.birthDate IS NULL OR c.birthDate <> birthDate)
            THEN ['birthDate'] ELSE [] END
     + CASE WHEN createdAt IS NOT NULL AND c.createdAt <> createdAt
            THEN ['createdAt'] ELSE [] END AS changed, birthDate, createdAt
SET c += row.props,
    c.birthDate = coalesce(birthDate, c.birthDate),
    c.createdAt = coalesce(createdAt, c.createdAt),
    c.updatedAt = CASE WHEN changed <> [] OR c.updatedAt IS NULL THEN $now ELSE c.updatedAt END
SET c.nameKey = toLower(normalize(c.name, NFKC))
FOREACH (_ IN CASE WHEN NOT created AND changed <> [] THEN [1] ELSE [] END |
  CREATE (:CustomerChange {id: randomUUID(), kind: 'PROFILE_UPDATED', at: $now,
                           customerId: c.id, actor: 'import', source: 'IMPORT',
                           fields: changed})
)
FOREACH (_ IN CASE WHEN created OR changed <> [] THEN [1] ELSE [] END |
  CREATE (:Change:PendingChange {kind: 'CUSTOMER_UPSERTED', at: $now, customerId: c.id,
                                 actor: 'import'})
)
WITH row, c, created
WHERE created AND (
  (c.email IS NOT NULL AND EXISTS { MATCH (other:Customer {email: c.email}) WHERE other <> c })
  OR (c.phone IS NOT NULL AND EXISTS { MATCH (other:Customer {phone: c.phone}) WHERE other <> c })
  OR (c.birthDate IS NOT NULL AND EXISTS {
        MATCH (other:Customer {birthDate: c.birthDate}) WHERE other <> c AND other.nameKey = c.nameKey
      }))
RETURN row.i AS i
