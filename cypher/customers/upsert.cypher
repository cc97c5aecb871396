// Mutation.upsertCustomer: create the customer or update the given properties, in one
// statement. $props holds only the fields the caller gave; a null value removes the property.
// createdAt is set on create; updatedAt on create and whenever a value actually changes.
// nameKey (the name NFKC-normalised and lower-cased) is what searchCustomers looks in.
// An update that changes something is kept as a (:CustomerChange {kind: 'PROFILE_UPDATED'})
// naming the changed properties (not their values), by $actor. A creation or a change is a
// CUSTOMER_UPSERTED change event (graph/changes.py).
// Returns: customer, created, changed
OPTIONAL MATCH (old:Customer {id: $id})
WITH old IS NULL AS created,
     [k IN keys($props)
      WHERE coalesce(old[k] <> $props[k], old[k] IS NOT NULL OR $props[k] IS NOT NULL)] AS changed
MERGE (c:Customer {id: $id})
ON CREATE SET c.createdAt = datetime()
SET c += $props
SET c.nameKey = toLower(normalize(c.name, NFKC))
FOREACH (_ IN CASE WHEN created OR changed <> [] THEN [1] ELSE [] END |
  SET c.updatedAt = datetime()
  CREATE (:Change:PendingChange {kind: 'CUSTOMER_UPSERTED', at: c.updatedAt, customerId: c.id,
                                 actor: $actor})
)
FOREACH (_ IN CASE WHEN NOT created AND changed <> [] THEN [1] ELSE [] END |
  CREATE (:CustomerChange {id: randomUUID(), kind: 'PROFILE_UPDATED', at: c.updatedAt,
                           customerId: c.id, actor: $actor, source: 'API', fields: changed})
)
RETURN c {.*} AS customer, created, changed
