// The default rule set: one interest tag per product category, in name order.
// Returns: category
MATCH (p:Product)
WHERE p.category IS NOT NULL
RETURN DISTINCT p.category AS category
ORDER BY category
