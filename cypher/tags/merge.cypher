// mergeTags: each source's assignments, children, aliases and rules move to $into, then the
// source is deleted and its name becomes an alias of $into. A customer holding both keeps
// its assignment of $into (one assignment per customer); a moved assignment keeps its
// provenance, and a customer who did not hold $into gains it (a pending (:TagEvent), so its
// linkage rules fire). Sources are handled one after another, so each sees the moves before
// it.
// The caller has checked that every name exists and that no source is $into or above it.
// Returns: tag
MATCH (into:Tag {name: $into})
UNWIND $sources AS sourceName
MATCH (s:Tag {name: sourceName})
CALL (s, into) {
  MATCH (c:Customer)-[r:HAS_TAG]->(s)
  CALL (c, r, into) {
    WITH * WHERE NOT EXISTS { (c)-[:HAS_TAG]->(into) }
    CREATE (c)-[moved:HAS_TAG]->(into)
    SET moved = properties(r)
    CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: coalesce(r.source, 'MANUAL'),
                                       at: $now, assignedAt: r.assignedAt, actor: $actor,
                                       customerId: c.id, tagId: into.id,
                                       tagName: into.name, ruleId: r.ruleId})
  }
  DELETE r
}
CALL (s, into) {
  MATCH (child:Tag)-[old:CHILD_OF]->(s)
  DELETE old
  MERGE (child)-[:CHILD_OF]->(into)
}
CALL (s, into) {
  MATCH (alias:TagAlias)-[old:ALIAS_OF]->(s)
  DELETE old
  MERGE (alias)-[:ALIAS_OF]->(into)
}
CALL (s, into) {
  MATCH (rule:TagRule)-[old:KEEPS]->(s)
  DELETE old
  MERGE (rule)-[:KEEPS]->(into)
}
CALL (s, into) {
  MATCH (rule:LinkageRule)-[old:WHEN_ADDED|WHEN_REMOVED]->(s)
  WITH rule, old, type(old) AS trigger
  DELETE old
  CREATE (rule)-[:$(trigger)]->(into)  // a rule has one trigger: no duplicate to merge
  SET rule.since = $now  // it already fired for the source's holders: only later changes count
}
WITH s, into, s.name AS oldName
DETACH DELETE s
MERGE (alias:TagAlias {name: oldName})
MERGE (alias)-[:ALIAS_OF]->(into)
WITH DISTINCT into
RETURN into {.*} AS tag
