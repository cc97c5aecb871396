// Dispatch up to $batch pending events (tag events and the other changes, graph/changes.py) in
// one transaction: number them (seq, the order subscribers read them in; one sequence for
// both), label them :Change (a tag event's kind is TAG_ADDED or TAG_REMOVED), fire the linkage
// rules each triggers (a tag gained or lost, a stage entered), and mark them dispatched. The
// (:EventLog) node is written first, which locks it: dispatchers in several processes take
// turns, so every event gets one number and fires once. With nothing pending, nothing is
// written.
// Returns: dispatched, tagEvents, last, more
MATCH (any:PendingTagEvent|PendingChange)
WITH any LIMIT 1
MERGE (log:EventLog {id: 'tagEvents'})
  ON CREATE SET log.seq = 0
SET log.dispatchedAt = $now
WITH log
// A batch is taken in the store's order (creation order in practice) and ordered within
// itself: sorting all pending events for every batch would make a bulk import's dispatch
// quadratic. It is taken in a subquery: a LIMIT after the SET above becomes an
// ExhaustiveLimit, which reads every pending event for every batch (quadratic again); `log`
// passed in keeps the read after the lock.
CALL (log) {
  MATCH (e:PendingTagEvent|PendingChange)
  RETURN e LIMIT $batch
}
WITH log, e ORDER BY e.at, e.customerId, e.tagId, e.change
WITH log, collect(e) AS events
UNWIND range(0, size(events) - 1) AS n
WITH log, events[n] AS e, log.seq + n + 1 AS seq
REMOVE e:PendingTagEvent:PendingChange
SET e:Change, e.seq = seq, e.kind = coalesce(e.kind, 'TAG_' + e.change)
WITH log, e
CALL (e) {
  // the rules this event triggers; a customer merge's moves trigger none (the rules fired
  // for the customer merged away)
  CALL (e) {
    WITH e WHERE e.change = 'ADDED' AND NOT coalesce(e.merged, false)
    MATCH (rule:LinkageRule)-[:WHEN_ADDED]->(t:Tag {id: e.tagId})
    RETURN rule, t.name AS tagName
    UNION
    WITH e WHERE e.change = 'REMOVED' AND NOT coalesce(e.merged, false)
    MATCH (rule:LinkageRule)-[:WHEN_REMOVED]->(t:Tag {id: e.tagId})
    RETURN rule, t.name AS tagName
    UNION
    WITH e WHERE e.kind = 'STAGE_CHANGED'
    MATCH (rule:LinkageRule {stage: e.stage})
    WHERE rule.trigger = 'STAGE_ENTERED'
    RETURN rule, null AS tagName
  }
  // changes from before the rule (or before it was re-targeted, moved by a tag merge, or
  // enabled again) do not fire, nor do any while it is disabled
  WITH e, rule, tagName
  WHERE rule.since < e.at AND coalesce(rule.enabled, true)
  MATCH (c:Customer {id: e.customerId})
  CALL (rule, c, e) {
    WITH * WHERE rule.action = 'CREATE_TASK'
    CREATE (c)-[:HAS_TASK]->(task:Task {
      id: randomUUID(), title: rule.taskTitle, createdAt: $now, eventSeq: e.seq, status: 'OPEN',
      createdBy: 'rule:' + rule.id,
      dueAt: CASE WHEN rule.dueInDays IS NULL THEN null
                  ELSE $now + duration({days: rule.dueInDays}) END
    })-[:CREATED_BY]->(rule)
    // numbered by the next dispatch (the feed's next step, or the writer's own)
    CREATE (:Change:PendingChange {kind: 'TASK_CHANGED', at: $now, customerId: c.id,
                                   actor: 'rule:' + rule.id, taskId: task.id})
  }
  // Round-robin: rows run one after another, so each sees the counter the last one left.
  // A change of owner is kept as a (:CustomerChange {kind: 'OWNER_CHANGED'}).
  CALL (rule, c) {
    WITH * WHERE rule.action = 'ASSIGN_OWNER'
    WITH rule, c, c.owner AS previous, rule.owners[rule.assigned % size(rule.owners)] AS owner
    SET c.owner = owner,
        rule.assigned = rule.assigned + 1
    FOREACH (_ IN CASE WHEN previous IS NULL OR previous <> owner THEN [1] ELSE [] END |
      CREATE (:CustomerChange {id: randomUUID(), kind: 'OWNER_CHANGED', at: $now,
                               customerId: c.id, actor: 'rule:' + rule.id, source: 'RULE',
                               ruleName: rule.name, owner: owner, previousOwner: previous})
    )
  }
  // The webhook's outbox (graph/rules/webhooks.py): what happened, to be POSTed in seq order.
  CALL (rule, c, e, tagName) {
    WITH * WHERE rule.action = 'CALL_WEBHOOK'
    CREATE (:WebhookDelivery:PendingDelivery {
      id: randomUUID(), ruleId: rule.id, eventSeq: e.seq, kind: e.kind, at: e.at,
      customerId: c.id, actor: e.actor, tag: tagName, stage: e.stage, source: e.source,
      createdAt: $now, attempts: 0, nextAttemptAt: $now
    })
  }
}
WITH log, max(e.seq) AS last, count(e) AS dispatched,
     count(CASE WHEN e:TagEvent THEN 1 END) AS tagEvents
SET log.seq = last
// `more`: events are pending still (those the rules fired just now, or other writers')
RETURN dispatched, tagEvents, last, EXISTS { MATCH (:PendingTagEvent|PendingChange) } AS more
