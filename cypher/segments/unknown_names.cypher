// Segment definitions: which of the tag names and product ids they use exist nowhere.
RETURN [name IN $tags WHERE NOT EXISTS { MATCH (:Tag {name: name}) }] AS unknownTags,
       [id IN $products WHERE NOT EXISTS { MATCH (:Product {id: id}) }] AS unknownProducts
