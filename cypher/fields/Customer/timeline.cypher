// Customer.timeline: everything that happened to the customer, newest first: `at` descending,
// then the kind in TimelineKind's order, then the item's id. The history it merges:
//   INTERACTION      (c)-[:HAD]->(:Interaction), at occurredAt; id: the interaction's
//   TAG_ADDED/REMOVED (:TagEvent {customerId}), an addition at its assignment's assignedAt;
//                    id: the tag's (a tag merged away: the tag its name now means)
//   STAGE_CHANGED    each IN_STAGE / WAS_IN_STAGE span, at its start; id: the stage
//   OWNER_CHANGED, PROFILE_UPDATED, MERGED  (:CustomerChange {customerId}); id: the change's
//   TASK_CREATED/DONE (c)-[:HAS_TASK]->(:Task), at createdAt / completedAt; id: the task's
// $kinds (null: all) filters; $limit items after the cursor ($afterSeconds, $afterNanos,
// $afterRank, $afterId; nulls: from the newest) are returned, and how many match in all.
// A customer's history is tens to hundreds of items: it is ordered whole, then cut.
[{{all}} IN [COLLECT {
  CALL ({{this}}) {
    MATCH ({{this}})-[:HAD]->({{i}}:Interaction)
    WHERE $kinds IS NULL OR 'INTERACTION' IN $kinds
    OPTIONAL MATCH ({{i}})-[:ABOUT]->({{p}}:Product)
    RETURN {at: {{i}}.occurredAt, kind: 'INTERACTION', id: {{i}}.id,
            actor: coalesce({{i}}.actor, 'import'), productName: {{p}}.name,
            interaction: {{i}} {.*, customerId: {{this}}.id, productId: {{p}}.id}} AS {{item}}
    UNION ALL
    MATCH ({{e}}:TagEvent {customerId: {{this}}.id})
    WHERE $kinds IS NULL OR 'TAG_' + {{e}}.change IN $kinds
    OPTIONAL MATCH ({{own}}:Tag {id: {{e}}.tagId})
    OPTIONAL MATCH (:TagAlias {name: {{e}}.tagName})-[:ALIAS_OF]->({{aliased}}:Tag)
    OPTIONAL MATCH ({{rule}}:TagRule {id: {{e}}.ruleId})
    WITH {{e}}, coalesce({{own}}, {{aliased}}) AS {{t}}, {{rule}}
    RETURN {at: CASE {{e}}.change WHEN 'ADDED' THEN coalesce({{e}}.assignedAt, {{e}}.at)
                ELSE {{e}}.at END,
            kind: 'TAG_' + {{e}}.change, id: coalesce({{t}}.id, {{e}}.tagId),
            actor: coalesce({{e}}.actor, CASE {{e}}.source WHEN 'RULE' THEN 'rule:' + {{e}}.ruleId
                                                         WHEN 'IMPORT' THEN 'import' END),
            source: {{e}}.source, tagName: {{e}}.tagName, ruleName: {{rule}}.name,
            tag: {{t}} {.*}} AS {{item}}
    UNION ALL
    MATCH ({{this}})-[{{span}}:WAS_IN_STAGE|IN_STAGE]->({{stage}}:LifecycleStage)
    WHERE $kinds IS NULL OR 'STAGE_CHANGED' IN $kinds
    WITH {{span}}, {{stage}}, coalesce({{span}}.from, {{span}}.since, {{this}}.createdAt) AS {{at}}
    WHERE {{at}} IS NOT NULL
    RETURN {at: {{at}}, kind: 'STAGE_CHANGED', id: {{stage}}.name, actor: {{span}}.actor,
            stage: {{stage}}.name} AS {{item}}
    UNION ALL
    MATCH ({{change}}:CustomerChange {customerId: {{this}}.id})
    WHERE $kinds IS NULL OR {{change}}.kind IN $kinds
    RETURN {{change}} {.*} AS {{item}}
    UNION ALL
    MATCH ({{this}})-[:HAS_TASK]->({{task}}:Task)
    OPTIONAL MATCH ({{task}})-[:CREATED_BY]->({{linkage}}:LinkageRule)
    OPTIONAL MATCH ({{linkage}})-[:WHEN_ADDED|WHEN_REMOVED]->({{when}}:Tag)
    // the task's properties as a map: a key no task has yet (completedAt) reads null, where
    // naming it as a property would make Neo4j warn about an unknown key on every query
    WITH {{task}}, {{linkage}}, {{when}}, {{task}} {.*} AS {{props}}
    UNWIND [['TASK_CREATED', {{props}}.createdAt,
             coalesce('rule:' + {{linkage}}.id, {{props}}.createdBy)],
            ['TASK_DONE', {{props}}.completedAt, {{props}}.completedBy]] AS {{moment}}
    WITH {{task}}, {{linkage}}, {{when}}, {{props}}, {{moment}}
    WHERE {{moment}}[1] IS NOT NULL AND ($kinds IS NULL OR {{moment}}[0] IN $kinds)
    RETURN {at: {{moment}}[1], kind: {{moment}}[0], id: {{task}}.id, actor: {{moment}}[2],
            task: {{props}} {.*, customerId: {{this}}.id,
                             rule: CASE WHEN {{linkage}} IS NULL THEN null
                                        ELSE {{linkage}} {.*, tag: {{when}} {.*}} END}} AS {{item}}
  }
  WITH {{item}}, {{item}}.at.epochSeconds AS {{s}}, {{item}}.at.nanosecond AS {{ns}},
       {INTERACTION: 0, TAG_ADDED: 1, TAG_REMOVED: 2, STAGE_CHANGED: 3, OWNER_CHANGED: 4,
        TASK_CREATED: 5, TASK_DONE: 6, MERGED: 7, PROFILE_UPDATED: 8}[{{item}}.kind] AS {{rank}}
  ORDER BY {{s}} DESC, {{ns}} DESC, {{rank}}, {{item}}.id
  RETURN {key: [{{s}}, {{ns}}, {{rank}}, {{item}}.id], node: {{item}}}
}] | {
  rows: [{{row}} IN {{all}}
         WHERE $afterSeconds IS NULL
            OR {{row}}.key[0] < $afterSeconds
            OR ({{row}}.key[0] = $afterSeconds
                AND ({{row}}.key[1] < $afterNanos
                     OR ({{row}}.key[1] = $afterNanos
                         AND ({{row}}.key[2] > $afterRank
                              OR ({{row}}.key[2] = $afterRank AND {{row}}.key[3] > $afterId)))))
        ][..$limit],
  total: size({{all}})
}][0]
