// A definition's count and the check of the names it uses, in one round trip (what a lone
// segmentPreview count asks): {{names}} is segments/unknown_names.cypher, and {{count}} the
// definition's compiled count query (graph/segments/compiler.py), run only when every name
// it uses is a tag's or a product's own (none unknown, no alias); else total is null and the
// caller resolves the names first.
// Returns: unknownTags, aliases, unknownProducts, total
CALL () {
{{names}}
}
WITH *, unknownTags = [] AND aliases = [] AND unknownProducts = [] AS known
// Without rows the count's aggregation still answers 0, hence the CASE in RETURN.
OPTIONAL CALL (known) {
  WITH * WHERE known
{{count}}
}
RETURN unknownTags, aliases, unknownProducts, CASE WHEN known THEN total END AS total
