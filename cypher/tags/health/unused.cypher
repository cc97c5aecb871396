// tagHealth.unused: active tags no customer holds, directly or through any tag below them
// (a parent whose child is held is in use: segment conditions on it match the child's
// holders). Ordered by name.
// Returns: tag
MATCH (t:Tag)
WHERE coalesce(t.status, 'ACTIVE') <> 'DEPRECATED'
  AND NOT EXISTS { (t)<-[:CHILD_OF*0..]-(:Tag)<-[:HAS_TAG]-(:Customer) }
RETURN t {.*} AS tag
ORDER BY t.name
