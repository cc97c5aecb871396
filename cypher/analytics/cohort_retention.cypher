// Do customers keep buying after their first purchase? Customers grouped by the month of
// their first purchase (the cohort) and, 1, 2, 3, 6 and 12 months later, how many of them
// bought in that calendar month. Months are UTC calendar months; a cohort too young for a
// column simply shows 0 there.
//
// Parameters:
//   $from = null  only cohorts from this month on, as "YYYY-MM"; null: every cohort
// Columns:
//   cohort     the first-purchase month, YYYY-MM
//   customers  customers whose first purchase was in that month
//   month1     of them, customers who bought in the month after
//   month2     ... who bought 2 months after
//   month3     ... 3 months after
//   month6     ... 6 months after
//   month12    ... 12 months after
MATCH (c:Customer)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
WITH c, collect(DISTINCT i.occurredAt.year * 12 + i.occurredAt.month - 1) AS months,
     min(i.occurredAt) AS firstAt
WITH months, firstAt.year * 12 + firstAt.month - 1 AS first
WITH months, first, toString(first / 12) + '-' + right('0' + toString(first % 12 + 1), 2) AS cohort
WHERE $from IS NULL OR cohort >= $from
RETURN cohort, count(*) AS customers,
       count(CASE WHEN first + 1 IN months THEN 1 END) AS month1,
       count(CASE WHEN first + 2 IN months THEN 1 END) AS month2,
       count(CASE WHEN first + 3 IN months THEN 1 END) AS month3,
       count(CASE WHEN first + 6 IN months THEN 1 END) AS month6,
       count(CASE WHEN first + 12 IN months THEN 1 END) AS month12
ORDER BY cohort
