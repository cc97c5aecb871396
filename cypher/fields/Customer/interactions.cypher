// Customer.interactions: newest first (occurredAt descending, then id), of the types $types
// (null: all) since $since (null: ever), $limit of them after the cursor ($afterSeconds,
// $afterNanos, $afterId; nulls: from the newest), and how many match in all.
// Projects: Interaction at edges.node
{
  rows: COLLECT {
    MATCH ({{this}})-[:HAD]->({{node}}:Interaction)
    WHERE $types IS NULL OR {{node}}.type IN $types
    WITH {{node}}, {{node}}.occurredAt.epochSeconds AS {{s}}, {{node}}.occurredAt.nanosecond AS {{ns}}
    WHERE ($since IS NULL
           OR {{s}} > $since.epochSeconds
           OR ({{s}} = $since.epochSeconds AND {{ns}} >= $since.nanosecond))
      AND ($afterSeconds IS NULL
           OR {{s}} < $afterSeconds
           OR ({{s}} = $afterSeconds
               AND ({{ns}} < $afterNanos OR ({{ns}} = $afterNanos AND {{node}}.id > $afterId))))
    WITH {{node}}, {{s}}, {{ns}} ORDER BY {{s}} DESC, {{ns}} DESC, {{node}}.id ASC LIMIT $limit
    RETURN {
      key: [{{s}}, {{ns}}, {{node}}.id],
      node: {{node}} {.id{{fields}}, customerId: {{this}}.id,
                      productId: [({{node}})-[:ABOUT]->({{product}}:Product) | {{product}}.id][0]}
    }
  },
  total: COUNT {
    MATCH ({{this}})-[:HAD]->({{counted}}:Interaction)
    WHERE ($types IS NULL OR {{counted}}.type IN $types)
      AND ($since IS NULL
           OR {{counted}}.occurredAt.epochSeconds > $since.epochSeconds
           OR ({{counted}}.occurredAt.epochSeconds = $since.epochSeconds
               AND {{counted}}.occurredAt.nanosecond >= $since.nanosecond))
  }
}
