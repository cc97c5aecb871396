// Query.customers(orderBy:) and backward pages: customers ordered by their property
// $property (values high to low when $descending), customers without a value after the rest,
// ties by id ascending. Forward: $limit of them after the key [$afterMissing, $afterValue,
// $afterId]; backward ($backward): $limit of them before it, read from the end (the API puts
// them back in order). A null $afterId starts at an end. Temporal values travel in keys as
// text ($temporal: compared as datetime()). With everything selected below them, and how many
// customers there are. The property is looked up by name, one of the few the API orders by;
// ORDER BY reads every customer, so every page costs the same (docs/benchmarks.md).
// Projects: Customer
CALL () {
  MATCH ({{node}}:Customer)
  WITH {{node}}, {{node}}[$property] AS value,
       CASE WHEN $temporal THEN datetime($afterValue) ELSE $afterValue END AS after
  WITH {{node}}, value, value IS NULL AS missing, after
  WHERE $afterId IS NULL OR (
    CASE WHEN $backward
      THEN (NOT missing AND $afterMissing)
           OR (missing = $afterMissing AND (
                (NOT missing AND (CASE WHEN $descending THEN value > after ELSE value < after END
                                  OR (value = after AND {{node}}.id < $afterId)))
                OR (missing AND {{node}}.id < $afterId)))
      ELSE (missing AND NOT $afterMissing)
           OR (missing = $afterMissing AND (
                (NOT missing AND (CASE WHEN $descending THEN value < after ELSE value > after END
                                  OR (value = after AND {{node}}.id > $afterId)))
                OR (missing AND {{node}}.id > $afterId)))
    END)
  WITH {{node}}, value, missing
  ORDER BY CASE WHEN $backward THEN null ELSE missing END ASC,
           CASE WHEN $backward THEN missing END DESC,
           CASE WHEN $descending = $backward THEN value END ASC,
           CASE WHEN $descending <> $backward THEN value END DESC,
           CASE WHEN $backward THEN null ELSE {{node}}.id END ASC,
           CASE WHEN $backward THEN {{node}}.id END DESC
  LIMIT $limit
  RETURN collect({
    key: [missing, CASE WHEN $temporal THEN toString(value) ELSE value END, {{node}}.id],
    node: {{node}} {.id{{fields}}}
  }) AS rows
}
RETURN rows, COUNT { (:Customer) } AS total
