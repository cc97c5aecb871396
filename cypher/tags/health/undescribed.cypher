// tagHealth.undescribed: active tags whose description is missing or blank (whitespace only,
// full-width spaces included). Ordered by name.
// Returns: tag
MATCH (t:Tag)
WHERE coalesce(t.status, 'ACTIVE') <> 'DEPRECATED'
  AND trim(coalesce(t.description, '')) = ''
RETURN t {.*} AS tag
ORDER BY t.name
