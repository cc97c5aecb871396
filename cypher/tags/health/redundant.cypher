// tagHealth.redundant: pairs of active tags whose direct holder sets overlap with
// Jaccard |A ∩ B| / |A ∪ B| >= $minJaccard, a.name < b.name, by jaccard descending.
//
// One pass over customers, no holder lists: each customer yields every pair of its own tags
// (a customer holds a tag at most once), so counting rows per pair gives |A ∩ B| for every
// pair that has any co-holder; a pair with none has Jaccard 0. A customer lists its tags in no
// fixed order, so (x, y) and (y, x) are counted apart and added up after the count, on the
// few hundred pairs rather than the millions of rows. |A| is the tag's HAS_TAG degree
// (COUNT {} reads it from the node, it does not walk the holders); |A ∪ B| = |A| + |B| -
// |A ∩ B|. Deprecated tags are dropped after counting, also on the pairs.
// Returns: a, b, jaccard
MATCH (c:Customer)
WITH [(c)-[:HAS_TAG]->(t) | t] AS held
UNWIND range(0, size(held) - 2) AS i
UNWIND range(i + 1, size(held) - 1) AS j
WITH held[i] AS x, held[j] AS y, count(*) AS both
WHERE x <> y
WITH CASE WHEN x.name < y.name THEN x ELSE y END AS a,
     CASE WHEN x.name < y.name THEN y ELSE x END AS b,
     both
WITH a, b, sum(both) AS both
WHERE coalesce(a.status, 'ACTIVE') <> 'DEPRECATED' AND coalesce(b.status, 'ACTIVE') <> 'DEPRECATED'
WITH a, b, both, COUNT { (a)<-[:HAS_TAG]-() } AS holdersA, COUNT { (b)<-[:HAS_TAG]-() } AS holdersB
WITH a, b, toFloat(both) / (holdersA + holdersB - both) AS jaccard
WHERE jaccard >= $minJaccard
RETURN a {.*} AS a, b {.*} AS b, jaccard
ORDER BY jaccard DESC, a.name, b.name
