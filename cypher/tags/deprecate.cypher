// deprecateTag: left out of tags() by default and no longer assignable; holders keep it and
// segment definitions still use it. Deprecating again changes nothing.
// Returns: tag
MATCH (t:Tag {name: $tagName})
SET t.status = 'DEPRECATED', t.deprecatedAt = coalesce(t.deprecatedAt, datetime())
RETURN t {.*} AS tag
