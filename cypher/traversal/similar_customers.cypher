// similarCustomers: customers most like $customerId by the Jaccard index |A ∩ B| / |A ∪ B| of
// their sets A, B = direct tag names ∪ ids of purchased products (a tag and a product are
// different elements even if a name equals an id). Only score > 0, the customer itself left
// out, by score descending, then id; at most $first. `found` is false for an unknown id.
//
// Exact, but most of the 100k customers are never looked at. Nearly every customer shares a
// common tag (个人客户: 92% of them) with every other, and those shares barely move a score:
// 1. Pilot: the customers holding one of A's three rarest elements (up to 400 per element)
//    get exact scores; their $first-th best, tau0, is <= the answer's last score.
// 2. A customer sharing only elements among the h most common tags of A scores at most
//    h / |A| (|A ∩ B| <= h, |A ∪ B| >= |A|). With h the largest such that h / |A| < tau0, no
//    such customer is in the answer, so candidates come only from the other elements ("rare":
//    the remaining tags and every product): a fraction of the rows.
// 3. Each candidate's score is bounded from what is cheap to read (its HAS_TAG degree, the
//    shares found); only candidates whose bound reaches tau0 have their common tags checked,
//    and only those whose bound reaches the best exact scores so far have their own purchases
//    walked (|B| = tags(B) + products(B) >= tags(B) + shared products).
// Inner nodes carry no labels (HAD leads only to interactions, ABOUT only to products, HAS_TAG
// only from customers): a label check is a read per row.
// Returns: found, similar
OPTIONAL MATCH (listed:Customer {id: $customerId})
// the id of a customer merged into another (mergeCustomers) means that other one
OPTIONAL MATCH (:CustomerAlias {id: $customerId})-[:ALIAS_OF]->(survivor:Customer)
WITH coalesce(listed, survivor) AS c
CALL (c) {
  WITH c WHERE c IS NOT NULL
  WITH c,
       COLLECT {
         MATCH (c)-[:HAS_TAG]->(t:Tag)
         RETURN t ORDER BY COUNT { (t)<-[:HAS_TAG]-() } DESC, t.name
       } AS tags,
       COLLECT {
         MATCH (c)-[:HAD]->({type: 'PURCHASE'})-[:ABOUT]->(p)
         RETURN DISTINCT p
       } AS products
  WITH c, tags, products, size(tags) + size(products) AS sizeA
  // 1. the pilot
  CALL (c, tags, products, sizeA) {
    CALL (tags, products) {
      UNWIND tags AS t
      RETURN t AS e, true AS isTag, COUNT { (t)<-[:HAS_TAG]-() } AS cost
      UNION ALL
      UNWIND products AS p
      RETURN p AS e, false AS isTag, COUNT { (p)<-[:ABOUT]-() } AS cost
    }
    WITH c, e, isTag ORDER BY cost LIMIT 3
    CALL (c, e, isTag) {
      WITH c, e WHERE isTag
      MATCH (e)<-[:HAS_TAG]-(o)
      WHERE o <> c
      RETURN o LIMIT 400
      UNION
      WITH c, e WHERE NOT isTag
      MATCH (e)<-[:ABOUT]-({type: 'PURCHASE'})<-[:HAD]-(o)
      WHERE o <> c
      WITH DISTINCT o LIMIT 400
      RETURN o
    }
    WITH DISTINCT o
    WITH o, COLLECT {
           MATCH (o)-[:HAD]->({type: 'PURCHASE'})-[:ABOUT]->(p)
           RETURN DISTINCT p
         } AS bought
    WITH size([(o)-[:HAS_TAG]->(t) WHERE t IN tags | t]) + size([p IN bought WHERE p IN products])
           AS both,
         COUNT { (o)-[:HAS_TAG]->() } + size(bought) AS sizeB
    WITH toFloat(both) / (sizeA + sizeB - both) AS score
    ORDER BY score DESC
    LIMIT $first
    RETURN CASE
      WHEN $first = 0 THEN 1.0
      WHEN count(score) < $first THEN 0.0
      ELSE min(score)
    END AS tau0
  }
  // 2. candidates from the rare elements only, each with a bound of its score: at most h
  //    more shared (common) tags, and no more than it has besides the rare ones
  WITH c, products, sizeA, tau0,
       size([i IN range(1, size(tags)) WHERE toFloat(i) / sizeA < tau0]) AS h, tags
  WITH c, products, sizeA, tau0, h, tags[..h] AS common, tags[h..] AS rare
  CALL (c, rare, products, sizeA, h) {
    CALL (c, rare, products) {
      UNWIND rare AS t
      MATCH (t)<-[:HAS_TAG]-(o)
      WHERE o <> c
      RETURN o, t, null AS productId
      UNION ALL
      UNWIND products AS p
      MATCH (p)<-[:ABOUT]-({type: 'PURCHASE'})<-[:HAD]-(o)
      WHERE o <> c
      WITH DISTINCT o, p
      RETURN o, null AS t, p.id AS productId
    }
    WITH o, collect(t) AS rareTags, collect(productId) AS sharedProducts
    WITH o, rareTags, sharedProducts, COUNT { (o)-[:HAS_TAG]->() } AS tagsB
    WITH o, rareTags, sharedProducts, tagsB, size(rareTags) + size(sharedProducts) AS shared,
         CASE WHEN tagsB - size(rareTags) < h THEN tagsB - size(rareTags) ELSE h END AS more
    WITH o, rareTags, sharedProducts, tagsB, shared, shared + more AS mostBoth,
         tagsB + size(sharedProducts) AS leastB
    RETURN collect({
      o: o, rareTags: rareTags, sharedProducts: sharedProducts, tagsB: tagsB, shared: shared,
      bound: toFloat(mostBoth)
             / (sizeA + CASE WHEN leastB > mostBoth THEN leastB ELSE mostBoth END - mostBoth)
    }) AS found
  }
  // 3. a second pilot: exact scores of candidates with the most rare shares (the list is not
  //    sorted: they are found by the count of shares they reach)
  WITH sizeA, tau0, common, found,
       reduce(most = 0, x IN found | CASE WHEN x.shared > most THEN x.shared ELSE most END) AS most
  WITH sizeA, tau0, common, found,
       coalesce(head([f IN range(most, 1, -1)
                      WHERE size([x IN found WHERE x.shared >= f]) >= $first + 200]), 1) AS least
  WITH sizeA, tau0, common, found, [x IN found WHERE x.shared >= least][..$first + 200] AS pilot
  CALL (sizeA, common, pilot) {
    UNWIND pilot AS x
    WITH x, x.o AS o
    WITH x, COUNT { (o)-[:HAS_TAG]->(t) WHERE t IN common } AS commonB, size(COLLECT {
           MATCH (o)-[:HAD]->({type: 'PURCHASE'})-[:ABOUT]->(p)
           RETURN DISTINCT p
         }) AS productsB
    WITH toFloat(x.shared + commonB) / (sizeA + x.tagsB + productsB - x.shared - commonB) AS score
    ORDER BY score DESC
    LIMIT $first
    RETURN CASE WHEN count(score) < $first THEN 0.0 ELSE min(score) END AS tau2
  }
  WITH sizeA, common, found, CASE WHEN tau2 > tau0 THEN tau2 ELSE tau0 END AS tau0
  // 4. the common tags of the candidates whose bound reaches tau0; a tighter bound
  WITH sizeA, tau0, common, [x IN found WHERE x.bound >= tau0] AS kept
  CALL (sizeA, common, kept) {
    UNWIND kept AS x
    WITH sizeA, x, x.o AS o, common
    WITH sizeA, x, x.shared + COUNT { (o)-[:HAS_TAG]->(t) WHERE t IN common } AS both
    RETURN collect({
             o: x.o, rareTags: x.rareTags, sharedProducts: x.sharedProducts, both: both,
             bound: toFloat(both) / (sizeA + x.tagsB + size(x.sharedProducts) - both)
           }) AS candidates
  }
  // 5. exact scores (walking a candidate's own purchases) where the bound reaches the
  //    $first-th best exact score of the best bounds
  CALL (sizeA, candidates) {
    UNWIND candidates AS x
    WITH sizeA, x
    ORDER BY x.bound DESC
    LIMIT $first
    WITH sizeA, x, x.o AS o
    WITH sizeA, x, COUNT { (o)-[:HAS_TAG]->() } + size(COLLECT {
           MATCH (o)-[:HAD]->({type: 'PURCHASE'})-[:ABOUT]->(p)
           RETURN DISTINCT p
         }) AS sizeB
    RETURN min(toFloat(x.both) / (sizeA + sizeB - x.both)) AS tau1
  }
  WITH sizeA, common, candidates, CASE WHEN tau1 > tau0 THEN tau1 ELSE tau0 END AS tau
  UNWIND [x IN candidates WHERE x.bound >= tau] AS x
  WITH sizeA, common, x, x.o AS o
  WITH common, x, o, COUNT { (o)-[:HAS_TAG]->() } + size(COLLECT {
         MATCH (o)-[:HAD]->({type: 'PURCHASE'})-[:ABOUT]->(p)
         RETURN DISTINCT p
       }) AS sizeB, sizeA
  WITH common, x, o, toFloat(x.both) / (sizeA + sizeB - x.both) AS score
  ORDER BY score DESC, o.id
  LIMIT $first
  RETURN collect({
    customer: o {.*}, score: score,
    sharedTags: [t IN x.rareTags | t.name] + [(o)-[:HAS_TAG]->(t) WHERE t IN common | t.name],
    sharedProducts: x.sharedProducts
  }) AS similar
}
RETURN c IS NOT NULL AS found, similar
