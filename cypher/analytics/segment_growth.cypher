// How has a tag-defined segment grown? Customers holding $tag or any tag below it in the
// taxonomy, by the month they were given it (HAS_TAG.assignedAt, the earliest when they hold
// several), with the running total. This rebuilds growth from the assignments held today:
// customers who have since lost the tag count in no month (removals are in the TagEvent log,
// from when events were recorded). A saved (:Segment) is a definition c360 evaluates, not
// Cypher: `c360 segment export ID --as-of T` gives its members at any moment T.
//
// Parameters:
//   $tag = "高价值客户"  the name of the tag that defines the segment; tags below it count too
// Columns:
//   month    YYYY-MM (UTC), every month from the first join to the last
//   joined   customers whose earliest matching assignment falls in the month
//   members  customers who had joined by the end of the month
MATCH (:Tag {name: $tag})<-[:CHILD_OF*0..]-(:Tag)<-[r:HAS_TAG]-(c:Customer)
WITH c, min(r.assignedAt) AS joinedAt
WITH joinedAt.year * 12 + joinedAt.month - 1 AS m, count(c) AS joined
WITH collect({m: m, joined: joined}) AS rows, min(m) AS first, max(m) AS last
WHERE first IS NOT NULL
UNWIND range(first, last) AS m
RETURN toString(m / 12) + '-' + right('0' + toString(m % 12 + 1), 2) AS month,
       reduce(n = 0, r IN rows | n + CASE WHEN r.m = m THEN r.joined ELSE 0 END) AS joined,
       reduce(n = 0, r IN rows | n + CASE WHEN r.m <= m THEN r.joined ELSE 0 END) AS members
ORDER BY month
