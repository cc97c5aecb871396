// Mutation.mergeCustomers: each customer of $sources (ids as they are now, aliases resolved by
// the caller) moves into the customer $into, one after another, then disappears:
//   interactions and tasks move; tag assignments move, one per tag: where both hold a tag the
//     earliest assignedAt wins with its source (a tag the survivor gains is a pending
//     TagEvent marked `merged`, which fires no linkage rule: they fired for the source);
//   stage spans move; the source's current stage becomes a closed span ending now when the
//     survivor has a current stage of its own;
//   every property the survivor lacks is copied (the survivor wins where both have one);
//   the source's tag events and changes become the survivor's history;
//   snapshots that held the source hold the survivor (counted once);
//   the source's id, and ids merged into it before, become (:CustomerAlias) of the survivor.
// One (:CustomerChange {kind: 'MERGED', mergedIds}) records it, and a CUSTOMER_MERGED change
// event. Checks before writing: a
// missing $into or any missing source writes nothing (customer null, or `missing` listed).
// Returns: customer, missing
OPTIONAL MATCH (found:Customer {id: $into})
CALL () {
  UNWIND $sources AS id
  OPTIONAL MATCH (source:Customer {id: id})
  RETURN collect(source) AS candidates
}
// Write locks on every customer involved before anything else is read: a merge racing on the
// same customers waits here, then finds those the winner merged away deleted (their
// properties read null) and writes nothing.
CALL (found, candidates) {
  UNWIND [c IN [found] + candidates WHERE c IS NOT NULL] AS c
  SET c.merging = true
  RETURN collect(c.id) AS locked
}
WITH CASE WHEN found.id IN locked THEN found END AS into,
     [c IN candidates WHERE c.id IN locked] AS sources,
     [id IN $sources WHERE NOT id IN locked] AS missing
CALL (into, missing, sources) {
  WITH * WHERE into IS NOT NULL AND missing = []
  UNWIND sources AS f
  CALL (into, f) {
    MATCH (f)-[had:HAD]->(i:Interaction)
    CREATE (into)-[:HAD]->(i)
    DELETE had
  }
  CALL (into, f) {
    MATCH (f)-[has:HAS_TASK]->(task:Task)
    CREATE (into)-[:HAS_TASK]->(task)
    DELETE has
  }
  CALL (into, f) {
    MATCH (f)-[r:HAS_TAG]->(t:Tag)
    OPTIONAL MATCH (into)-[own:HAS_TAG]->(t)
    CALL (into, t, r, own) {
      WITH * WHERE own IS NULL
      CREATE (into)-[moved:HAS_TAG]->(t)
      SET moved = properties(r)
      CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: coalesce(r.source, 'MANUAL'),
                                         at: $now, assignedAt: r.assignedAt, actor: $actor,
                                         customerId: into.id, tagId: t.id, tagName: t.name,
                                         ruleId: r.ruleId, merged: true})
    }
    CALL (r, own) {
      WITH * WHERE own IS NOT NULL AND coalesce(r.assignedAt < own.assignedAt, false)
      SET own = properties(r)
    }
    DELETE r
  }
  CALL (into, f) {
    MATCH (f)-[was:WAS_IN_STAGE]->(stage:LifecycleStage)
    CREATE (into)-[moved:WAS_IN_STAGE]->(stage)
    SET moved = properties(was)
    DELETE was
  }
  CALL (into, f) {
    MATCH (f)-[current:IN_STAGE]->(stage:LifecycleStage)
    WITH into, current, stage, EXISTS { (into)-[:IN_STAGE]->() } AS staged
    CALL (into, current, stage, staged) {
      WITH * WHERE NOT staged
      CREATE (into)-[moved:IN_STAGE]->(stage)
      SET moved = properties(current)
    }
    CALL (into, current, stage, staged) {
      WITH * WHERE staged
      CREATE (into)-[:WAS_IN_STAGE {from: current.since, to: $now, actor: current.actor}]->(stage)
    }
    DELETE current
  }
  CALL (into, f) {
    UNWIND [key IN keys(f) WHERE into[key] IS NULL AND NOT key IN $derived] AS key
    SET into[key] = f[key]
  }
  CALL (into, f) {
    MATCH (event:TagEvent {customerId: f.id})
    SET event.customerId = into.id
  }
  CALL (into, f) {
    MATCH (change:CustomerChange {customerId: f.id})
    SET change.customerId = into.id
  }
  CALL (into, f) {
    MATCH (snapshot:SegmentSnapshot)-[held:INCLUDES]->(f)
    WITH into, snapshot, held, EXISTS { (snapshot)-[:INCLUDES]->(into) } AS both
    CALL (into, snapshot, both) {
      WITH * WHERE both
      SET snapshot.count = snapshot.count - 1
    }
    CALL (into, snapshot, both) {
      WITH * WHERE NOT both
      CREATE (snapshot)-[:INCLUDES]->(into)
    }
    DELETE held
  }
  CALL (into, f) {
    MATCH (alias:CustomerAlias)-[old:ALIAS_OF]->(f)
    CREATE (alias)-[:ALIAS_OF]->(into)
    DELETE old
  }
  CREATE (:CustomerAlias {id: f.id})-[:ALIAS_OF]->(into)
  WITH into, collect(f) AS gone
  CREATE (:CustomerChange {id: randomUUID(), kind: 'MERGED', at: $now, customerId: into.id,
                           actor: $actor, source: 'API', mergedIds: [g IN gone | g.id]})
  CREATE (:Change:PendingChange {kind: 'CUSTOMER_MERGED', at: $now, customerId: into.id,
                                 actor: $actor, mergedIds: [g IN gone | g.id]})
  FOREACH (g IN gone | DETACH DELETE g)
  SET into.updatedAt = $now
}
FOREACH (c IN CASE WHEN into IS NULL THEN [] ELSE [into] END | REMOVE c.merging)
FOREACH (c IN sources | REMOVE c.merging)
RETURN into {.*} AS customer, missing
