// How are customers spread over the tags of each category? Every tag with the customers
// holding it directly (not through a tag below it) and their share of all customers.
//
// Parameters:
//   $category = null  only tags of this category (Tag.category); null: every category
// Columns:
//   category  the tag's category ('' for a tag without one)
//   tag       the tag's name
//   parent    its parent in the taxonomy; null for a root
//   holders   customers holding the tag directly
//   share     holders / all customers, 0.0 to 1.0, rounded to 0.0001
MATCH (t:Tag)
WHERE $category IS NULL OR t.category = $category
OPTIONAL MATCH (t)-[:CHILD_OF]->(parent:Tag)
WITH t, parent, COUNT { (t)<-[:HAS_TAG]-(:Customer) } AS holders
CALL () {
  MATCH (c:Customer)
  RETURN count(c) AS customers
}
RETURN coalesce(t.category, '') AS category, t.name AS tag, parent.name AS parent, holders,
       CASE customers WHEN 0 THEN 0.0 ELSE round(toFloat(holders) / customers, 4) END AS share
ORDER BY category, holders DESC, tag
