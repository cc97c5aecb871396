// Move customers to a lifecycle stage. The current (c)-[:IN_STAGE {since}]->(stage) is
// closed into (c)-[:WAS_IN_STAGE {from, to}]->(that stage) and a new IN_STAGE starts.
// A move is skipped unless its `since` is after the current stage's `since` and the stage
// differs from the current one: history only grows forward, which makes re-import a no-op.
// Each move is a STAGE_CHANGED change event.
// Rows are handled in order (each CALL sees the moves made for the rows before it).
// Returns the rows not applied, with the reason: 'missing' (no such customer) or 'skipped'.
// Returns: i, outcome
UNWIND $rows AS row
OPTIONAL MATCH (listed:Customer {id: row.customerId})
// the id of a customer merged into another (mergeCustomers) means that other one
OPTIONAL MATCH (:CustomerAlias {id: row.customerId})-[:ALIAS_OF]->(survivor:Customer)
WITH row, coalesce(listed, survivor) AS c
CALL (row, c) {
  WITH row, c, datetime(row.since) AS since WHERE c IS NOT NULL
  MATCH (s:LifecycleStage {name: row.stage})
  OPTIONAL MATCH (c)-[cur:IN_STAGE]->(old:LifecycleStage)
  WITH c, s, since, cur, old
  WHERE cur IS NULL OR (old <> s AND (cur.since IS NULL OR cur.since < since))
  CREATE (c)-[:IN_STAGE {since: since, actor: 'import'}]->(s)
  CREATE (:Change:PendingChange {kind: 'STAGE_CHANGED', at: $now, customerId: c.id,
                                 actor: 'import', stage: s.name})
  WITH c, since, cur, old
  CALL (c, since, cur, old) {
    WITH c, since, cur, old WHERE cur IS NOT NULL
    CREATE (c)-[:WAS_IN_STAGE {from: cur.since, to: since, actor: cur.actor}]->(old)
    DELETE cur
  }
  RETURN count(*) AS applied
}
WITH row, c, applied WHERE c IS NULL OR applied = 0
RETURN row.i AS i, CASE WHEN c IS NULL THEN 'missing' ELSE 'skipped' END AS outcome
