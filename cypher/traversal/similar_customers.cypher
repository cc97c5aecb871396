// similarCustomers: customers most like $customerId by the Jaccard index |A ∩ B| / |A ∪ B| of
// their sets A, B = direct tag names ∪ ids of purchased products (a tag and a product are
// different elements even if a name equals an id). Only score > 0, the customer itself left
// out, by score descending, then id; at most $first. `found` is false for an unknown id.
//
// Candidates are the customers sharing at least one element: one row per (candidate, shared
// tag) from the tags' holders and per (candidate, shared product) from the products' buyers;
// grouping gives |A ∩ B| with the shared names. |B| needs the candidate's distinct purchased
// products, a walk over its interactions, too costly for every candidate (with a common tag,
// nearly every customer is one), so it is walked only where the answer can depend on it:
//   bound = |A ∩ B| / (|A| + tags(B) + sharedProducts - |A ∩ B|) >= score, because
//   |B| = tags(B) + products(B) >= tags(B) + sharedProducts (tags(B) is the HAS_TAG degree,
//   read from the node). The exact scores of the $first candidates with the best bounds give
//   tau <= the $first-th best score; a candidate with bound < tau cannot be in the answer, so
//   exact scores are computed only for bound >= tau (ties at tau are kept for the id order).
OPTIONAL MATCH (c:Customer {id: $customerId})
CALL (c) {
  WITH c WHERE c IS NOT NULL
  WITH c, [(c)-[:HAS_TAG]->(t:Tag) | t] AS tags,
       COLLECT {
         MATCH (c)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(p:Product)
         RETURN DISTINCT p
       } AS products
  CALL (c, tags, products) {
    UNWIND tags AS t
    MATCH (t)<-[:HAS_TAG]-(o:Customer)
    WHERE o <> c
    RETURN o, t.name AS tagName, null AS productId
    UNION ALL
    UNWIND products AS p
    MATCH (p)<-[:ABOUT]-(:Interaction {type: 'PURCHASE'})<-[:HAD]-(o:Customer)
    WHERE o <> c
    WITH DISTINCT o, p
    RETURN o, null AS tagName, p.id AS productId
  }
  WITH size(tags) + size(products) AS sizeA, o,
       collect(tagName) AS sharedTags, collect(productId) AS sharedProducts
  WITH sizeA, o, sharedTags, sharedProducts, size(sharedTags) + size(sharedProducts) AS both
  WITH sizeA, collect({
         o: o, sharedTags: sharedTags, sharedProducts: sharedProducts, both: both,
         bound: toFloat(both) / (sizeA + COUNT { (o)-[:HAS_TAG]->() } + size(sharedProducts) - both)
       }) AS candidates
  CALL (sizeA, candidates) {
    UNWIND candidates AS x
    WITH sizeA, x
    ORDER BY x.bound DESC
    LIMIT $first
    WITH sizeA, x, x.o AS o
    WITH sizeA, x, COUNT { (o)-[:HAS_TAG]->() } + size(COLLECT {
           MATCH (o)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(p:Product)
           RETURN DISTINCT p
         }) AS sizeB
    RETURN min(toFloat(x.both) / (sizeA + sizeB - x.both)) AS tau
  }
  UNWIND [x IN candidates WHERE x.bound >= tau] AS x
  WITH sizeA, x, x.o AS o
  WITH x, o, COUNT { (o)-[:HAS_TAG]->() } + size(COLLECT {
         MATCH (o)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(p:Product)
         RETURN DISTINCT p
       }) AS sizeB, sizeA
  WITH x, o, toFloat(x.both) / (sizeA + sizeB - x.both) AS score
  ORDER BY score DESC, o.id
  LIMIT $first
  RETURN collect({
    customer: o {.*}, score: score, sharedTags: x.sharedTags, sharedProducts: x.sharedProducts
  }) AS similar
}
RETURN c IS NOT NULL AS found, similar
