// Upsert interactions by id: (customer)-[:HAD]->(interaction)-[:ABOUT]->(product).
// A ticket (type TICKET) is OPEN and NORMAL unless a line says otherwise (or said before); it
// has resolvedAt while RESOLVED or CLOSED (the line's, the one it had, or $now) and none while
// open. Fields of another type's are dropped when a line changes an interaction's type.
// Then, in the same transaction, every customer the batch touched (an interaction's customer,
// and its previous one when a line moves it) gets its stored purchase figures recomputed
// (cypher/customers/purchase_totals.cypher says what they are), under the customer's lock.
// Returns the rows whose customer or product exists nowhere, with the field at fault.
// Returns: i, missing
UNWIND $rows AS row
OPTIONAL MATCH (listed:Customer {id: row.customerId})
// the id of a customer merged into another (mergeCustomers) means that other one
OPTIONAL MATCH (:CustomerAlias {id: row.customerId})-[:ALIAS_OF]->(survivor:Customer)
WITH row, coalesce(listed, survivor) AS c
OPTIONAL MATCH (p:Product {id: row.productId})
OPTIONAL MATCH (known:Interaction {id: row.id})
OPTIONAL MATCH (previous:Customer)-[:HAD]->(known)
WITH row, c, p, known, previous,
     CASE
       WHEN c IS NULL THEN 'customerId'
       WHEN row.productId IS NOT NULL AND p IS NULL THEN 'productId'
     END AS missing,
     known {.*, customer: previous.id, product: [(known)-[:ABOUT]->(x:Product) | x.id][0]}
       AS before
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
// Then every line applied, new or known alike: the type's own fields made whole (see the
// top), and an INTERACTION_RECORDED change event when the line made or changed something (by
// row.actor: an app's user, or the import); a line repeated as it was is none.
CALL (row, c, missing, before) {
  WITH * WHERE missing IS NULL
  MATCH (i:Interaction {id: row.id})
  WITH row, c, before, i, i.type = 'TICKET' AS ticket
  SET i.status = CASE WHEN ticket THEN coalesce(i.status, 'OPEN') END,
      i.priority = CASE WHEN ticket THEN coalesce(i.priority, 'NORMAL') END,
      i.assignee = CASE WHEN ticket THEN i.assignee END,
      i.score = CASE WHEN i.type = 'FEEDBACK' THEN i.score END,
      i.firstResponseAt = CASE WHEN ticket
                               THEN coalesce(datetime(row.firstResponseAt), i.firstResponseAt) END
  SET i.resolvedAt = CASE WHEN NOT coalesce(i.status IN ['RESOLVED', 'CLOSED'], false) THEN null
                          WHEN row.resolvedAt IS NOT NULL THEN datetime(row.resolvedAt)
                          WHEN coalesce(before.status IN ['RESOLVED', 'CLOSED'], false)
                            THEN i.resolvedAt
                          ELSE $now END
  // CASE, not OR: OR evaluates both sides, reading a new interaction back for nothing
  WITH * WHERE CASE WHEN before IS NULL THEN true
                    ELSE before <> i {.*, customer: c.id,
                                      product: [(i)-[:ABOUT]->(x:Product) | x.id][0]} END
  CREATE (:Change:PendingChange {kind: 'INTERACTION_RECORDED', at: $now, customerId: c.id,
                                 actor: coalesce(row.actor, 'import'), interactionId: row.id,
                                 type: row.props.type})
}
WITH collect(CASE WHEN missing IS NOT NULL THEN {i: row.i, missing: missing} END) AS refused,
     collect(CASE WHEN missing IS NULL THEN c END) + collect(previous) AS touched
CALL (touched) {
  UNWIND touched AS t
  WITH DISTINCT t ORDER BY t.id  // one lock order for every writer: no deadlocks between them
  // Take the customer's write lock before counting: another writer's interactions for it are
  // then committed, or that writer counts after this one commits (every writer counts last).
  SET t.purchaseTotal = -1.0
  WITH t
  CALL (t) {
    OPTIONAL MATCH (t)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
    RETURN sum(coalesce(i.amount, 0.0)) AS total, max(i.occurredAt) AS last, count(i) AS purchases
  }
  SET t.purchaseTotal = total, t.lastPurchaseAt = last, t.purchaseCount = purchases
}
UNWIND refused AS r
RETURN r.i AS i, r.missing AS missing
