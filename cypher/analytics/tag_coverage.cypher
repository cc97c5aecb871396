// What share of customers carries at least one tag of each category? A category with low
// coverage is one the tagging (rules, imports, people) does not reach.
//
// Columns:
//   category         Tag.category ('' for tags without one)
//   tags             tags in the category
//   customersTagged  customers holding at least one tag of the category
//   customers        all customers
//   coverage         customersTagged / customers, 0.0 to 1.0, rounded to 0.0001
MATCH (t:Tag)
WITH coalesce(t.category, '') AS category, collect(t) AS tags
CALL () {
  MATCH (c:Customer)
  RETURN count(c) AS customers
}
CALL (tags) {
  UNWIND tags AS t
  MATCH (t)<-[:HAS_TAG]-(c:Customer)
  RETURN count(DISTINCT c) AS tagged
}
RETURN category, size(tags) AS tags, tagged AS customersTagged, customers,
       CASE customers WHEN 0 THEN 0.0 ELSE round(toFloat(tagged) / customers, 4) END AS coverage
ORDER BY category
