// Customer.tagAssignments: the tags it holds directly with their provenance, by tag name.
// Projects: Tag at tag
COLLECT {
  MATCH ({{this}})-[{{held}}:HAS_TAG]->({{node}}:Tag)
  WITH {{held}}, {{node}} ORDER BY {{node}}.name
  RETURN {
    tag: {{node}} {.id{{fields}}},
    source: coalesce({{held}}.source, 'MANUAL'),
    assignedAt: coalesce({{held}}.assignedAt, {{this}}.createdAt, datetime('1970-01-01T00:00:00Z')),
    ruleId: {{held}}.ruleId
  }
}
