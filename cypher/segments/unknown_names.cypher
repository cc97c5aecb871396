// Segment definitions: which of the tag names and product ids they use exist nowhere, and
// which tag names are aliases (renameTag, mergeTags) with the names of the tags they mean.
// Returns: unknownTags, aliases, unknownProducts
RETURN [name IN $tags WHERE NOT EXISTS { MATCH (:Tag {name: name}) }
                        AND NOT EXISTS { MATCH (:TagAlias {name: name}) }] AS unknownTags,
       [name IN $tags WHERE NOT EXISTS { MATCH (:Tag {name: name}) } |
          [name, COLLECT { MATCH (:TagAlias {name: name})-[:ALIAS_OF]->(t:Tag) RETURN t.name }]
       ] AS aliases,
       [id IN $products WHERE NOT EXISTS { MATCH (:Product {id: id}) }] AS unknownProducts
