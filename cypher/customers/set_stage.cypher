// Mutation.setStage: move the customer to $stage. The current IN_STAGE becomes a
// WAS_IN_STAGE {from, to, actor}; the new IN_STAGE gets {since, actor}: who moved it there.
// Already in $stage: no change. A move is a STAGE_CHANGED change event.
// A missing customer (or stage) writes nothing.
// Returns: customer, stageExists, moved
OPTIONAL MATCH (c:Customer {id: $customerId})
OPTIONAL MATCH (s:LifecycleStage {name: $stage})
OPTIONAL CALL (c, s) {
  WITH * WHERE c IS NOT NULL AND s IS NOT NULL AND NOT EXISTS { (c)-[:IN_STAGE]->(s) }
  CALL (c) {
    MATCH (c)-[current:IN_STAGE]->(previous:LifecycleStage)
    CREATE (c)-[:WAS_IN_STAGE {from: current.since, to: datetime(), actor: current.actor}]->(previous)
    DELETE current
  }
  CREATE (c)-[:IN_STAGE {since: datetime(), actor: $actor}]->(s)
  CREATE (:Change:PendingChange {kind: 'STAGE_CHANGED', at: datetime(), customerId: c.id,
                                 actor: $actor, stage: s.name})
  RETURN true AS moved
}
RETURN c {.*} AS customer, s IS NOT NULL AS stageExists, coalesce(moved, false) AS moved
