// Which value tier does each customer's spending put them in, and do their tags agree?
// Customers by lifetime purchase spend, in the tiers of the 价值分层 tags (高价值客户 from
// $highFrom yuan, 中等价值客户 from $middleFrom, 低价值客户 below), and 无消费 for customers
// who never bought. `tagged` below `customers` means the tier tags lag behind spending.
//
// Parameters:
//   $highFrom = 20000    lifetime spend (yuan) from which a customer is 高价值客户
//   $middleFrom = 3000   lifetime spend (yuan) from which a customer is 中等价值客户
// Columns:
//   tier       高价值客户, 中等价值客户, 低价值客户 or 无消费
//   customers  customers in the tier
//   tagged     of them, how many hold the tier's tag (null for 无消费, which has no tag)
//   spend      their total purchase spend, yuan, rounded to 0.01
//   avgSpend   spend per customer, rounded to 0.01
//   minSpend   the smallest lifetime spend in the tier
//   maxSpend   the largest
MATCH (c:Customer)
CALL (c) {
  OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
  RETURN count(i) AS purchases, sum(coalesce(i.amount, 0.0)) AS spend
}
WITH c, spend,
     CASE
       WHEN purchases = 0 THEN '无消费'
       WHEN spend >= $highFrom THEN '高价值客户'
       WHEN spend >= $middleFrom THEN '中等价值客户'
       ELSE '低价值客户'
     END AS tier
WITH tier, count(c) AS customers, sum(spend) AS total, min(spend) AS low, max(spend) AS high,
     count(CASE WHEN EXISTS { (c)-[:HAS_TAG]->(:Tag {name: tier}) } THEN 1 END) AS tagged
RETURN tier, customers, CASE tier WHEN '无消费' THEN null ELSE tagged END AS tagged,
       round(total, 2) AS spend, round(total / customers, 2) AS avgSpend,
       round(low, 2) AS minSpend, round(high, 2) AS maxSpend
ORDER BY CASE tier WHEN '高价值客户' THEN 1 WHEN '中等价值客户' THEN 2 WHEN '低价值客户' THEN 3
         ELSE 4 END
