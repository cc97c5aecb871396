// Query.customers(where:) in an order or backward: the members of a compiled segment (its
// MATCH takes the place of the segment line below and binds them to `c`), ordered as
// views/customers_ordered orders all customers: by the property $property (values high to
// low when $descending), members without a value after the rest, ties by id ascending.
// Forward: $limit of them after the key [$afterMissing, $afterValue, $afterId]; backward
// ($backward): $limit before it, nearest first (the API puts them back in order). A null
// $afterId starts at an end. Temporal values travel in keys as text ($temporal). The members
// are sorted whole: a segment is a subset, found by its own conditions, which no order index
// serves. With how many members there are.
// Returns: total, rows
{{segment}}
WITH collect(c) AS members
CALL (members) {
  UNWIND members AS n
  WITH n, n[$property] AS value,
       CASE WHEN $temporal THEN datetime($afterValue) ELSE $afterValue END AS after
  WITH n, value, value IS NULL AS missing, after
  WHERE $afterId IS NULL OR (
    CASE WHEN $backward
      THEN (NOT missing AND $afterMissing)
           OR (missing = $afterMissing AND (
                (NOT missing AND (CASE WHEN $descending THEN value > after ELSE value < after END
                                  OR (value = after AND n.id < $afterId)))
                OR (missing AND n.id < $afterId)))
      ELSE (missing AND NOT $afterMissing)
           OR (missing = $afterMissing AND (
                (NOT missing AND (CASE WHEN $descending THEN value < after ELSE value > after END
                                  OR (value = after AND n.id > $afterId)))
                OR (missing AND n.id > $afterId)))
    END)
  WITH n, value, missing
  ORDER BY CASE WHEN $backward THEN null ELSE missing END ASC,
           CASE WHEN $backward THEN missing END DESC,
           CASE WHEN $descending = $backward THEN value END ASC,
           CASE WHEN $descending <> $backward THEN value END DESC,
           CASE WHEN $backward THEN null ELSE n.id END ASC,
           CASE WHEN $backward THEN n.id END DESC
  LIMIT $limit
  RETURN collect({
    key: [missing, CASE WHEN $temporal THEN toString(value) ELSE value END, n.id],
    node: n {.*}
  }) AS rows
}
RETURN size(members) AS total, rows
