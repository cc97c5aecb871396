// Query.searchCustomers: the customers whose id (or an id merged into them), email ($email,
// normalised) or phone ($phone, normalised) equals the query (rank 0), whose name key equals
// $needle (rank 1) or contains it (rank 2); a customer counts once, at its best rank. $limit of them after the key
// [$afterRank, $afterId] by rank, then id, with everything selected below them, and how many
// match in all.
// Projects: Customer
CALL () {
  CALL () {
    MATCH (found:Customer {id: $query})
    RETURN found, 0 AS rank
    UNION ALL
    MATCH (:CustomerAlias {id: $query})-[:ALIAS_OF]->(found:Customer)  // a merged id
    RETURN found, 0 AS rank
    UNION ALL
    MATCH (found:Customer {email: $email})
    RETURN found, 0 AS rank
    UNION ALL
    MATCH (found:Customer {phone: $phone})
    RETURN found, 0 AS rank
    UNION ALL
    MATCH (found:Customer)
    WHERE found.nameKey CONTAINS $needle
    RETURN found, CASE WHEN found.nameKey = $needle THEN 1 ELSE 2 END AS rank
  }
  WITH found, min(rank) AS rank
  RETURN collect([rank, found]) AS matches
}
CALL (matches) {
  UNWIND matches AS match
  WITH match[0] AS rank, match[1] AS {{node}}
  WHERE rank > $afterRank OR (rank = $afterRank AND {{node}}.id > $afterId)
  WITH rank, {{node}} ORDER BY rank, {{node}}.id LIMIT $limit
  RETURN collect({key: [rank, {{node}}.id], node: {{node}} {.id{{fields}}}}) AS rows
}
RETURN rows, size(matches) AS total
