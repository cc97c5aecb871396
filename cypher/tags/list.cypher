// Query.tags: tags ordered by name, optionally of one category, deprecated ones on request.
// Returns: tag
MATCH (t:Tag)
WHERE ($category IS NULL OR t.category = $category)
  AND ($includeDeprecated OR coalesce(t.status, 'ACTIVE') <> 'DEPRECATED')
RETURN t {.*} AS tag
ORDER BY t.name
