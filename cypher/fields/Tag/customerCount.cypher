// Tag.customerCount: the customers holding it directly.
COUNT { MATCH ({{holder}}:Customer)-[:HAS_TAG]->({{this}}) RETURN DISTINCT {{holder}} }
