// Customer.tags(asOf:): the tags it holds directly, by name; with $asOf, those it held then,
// replayed from its (:TagEvent)s: for each tag, the last event at or before $asOf decides (an
// addition counts from its assignment's assignedAt, the import time when the line gave none).
// A tag it holds with no event at all (written before events were kept) counts from its
// assignedAt. A tag merged away since is answered as the tag its name now means.
// Projects: Tag
COLLECT {
  CALL ({{this}}) {
    MATCH ({{this}})-[:HAS_TAG]->({{held}}:Tag)
    WHERE $asOf IS NULL
    RETURN {{held}} AS {{tag}}
    UNION ALL
    MATCH ({{this}})-[{{r}}:HAS_TAG]->({{held}}:Tag)
    WHERE $asOf IS NOT NULL AND coalesce({{r}}.assignedAt <= $asOf, true)
      AND NOT EXISTS { MATCH (:TagEvent {customerId: {{this}}.id, tagId: {{held}}.id}) }
    RETURN {{held}} AS {{tag}}
    UNION ALL
    // no rows, and no index seek, without $asOf (the hot path of every customer view)
    UNWIND CASE WHEN $asOf IS NULL THEN [] ELSE [{{this}}.id] END AS {{customerId}}
    MATCH ({{e}}:TagEvent {customerId: {{customerId}}})
    WITH {{e}}, CASE {{e}}.change WHEN 'ADDED' THEN coalesce({{e}}.assignedAt, {{e}}.at)
                ELSE {{e}}.at END AS {{at}}
    WHERE {{at}} <= $asOf
    WITH {{e}} ORDER BY {{at}} DESC, coalesce({{e}}.seq, 9223372036854775807) DESC
    WITH {{e}}.tagId AS {{tagId}}, collect({{e}})[0] AS {{last}}
    WHERE {{last}}.change = 'ADDED'
    OPTIONAL MATCH ({{own}}:Tag {id: {{tagId}}})
    OPTIONAL MATCH (:TagAlias {name: {{last}}.tagName})-[:ALIAS_OF]->({{aliased}}:Tag)
    WITH coalesce({{own}}, {{aliased}}) AS {{tag}} WHERE {{tag}} IS NOT NULL
    RETURN {{tag}}
  }
  WITH DISTINCT {{tag}} AS {{node}} ORDER BY {{node}}.name
  RETURN {{node}} {.id{{fields}}}
}
