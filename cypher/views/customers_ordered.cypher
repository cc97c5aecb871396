// Query.customers(orderBy:) and backward pages: customers ordered by ORDER_PROPERTY (values
// high to low when $descending), customers without a value after the rest, ties by id
// ascending. ORDER_PROPERTY is one of the properties the API orders by, put in by
// graph/views.py from a fixed table, never from a request. Forward: $limit customers after
// the key [$afterMissing, $afterValue, $afterId]; backward ($backward): $limit before it,
// nearest first (the API puts them back in order). A null $afterId starts at an end.
// Temporal values travel in keys as text ($temporal: compared as datetime()).
//
// Every page is read from indexes in their order, so page 500 costs what page 1 costs: the
// composite range index (ORDER_PROPERTY, id) gives the next distinct values in page order
// (`$up`: ascending), then each value's customers by id (ascending forward, descending
// backward), until $limit; the customers without a value come from the id index. Each
// alternative is a UNION branch whose index bound is null unless it applies (a null bound
// seeks nothing): a WHERE guard instead was checked after reading the whole index, and an
// UNWIND guard lost the index order. A region is read only when those before it did not
// fill the page. With everything selected below them, and how many customers there are.
// Projects: Customer
CALL () {
  WITH CASE WHEN $temporal THEN datetime($afterValue) ELSE $afterValue END AS {{after}},
       $afterId IS NOT NULL AND $afterMissing AS {{inMissing}},
       $afterId IS NULL AS {{fromEnd}}
  // the ends, where a walk from an end starts (a few index entries each)
  CALL () {
    MATCH ({{b}}:Customer) WHERE {{b}}.ORDER_PROPERTY IS NOT NULL AND {{b}}.id IS NOT NULL
    WITH {{b}}.ORDER_PROPERTY AS {{value}} ORDER BY {{value}} ASC LIMIT 1
    RETURN collect({{value}})[0] AS {{bottom}}
  }
  CALL () {
    MATCH ({{b}}:Customer) WHERE {{b}}.ORDER_PROPERTY IS NOT NULL AND {{b}}.id IS NOT NULL
    WITH {{b}}.ORDER_PROPERTY AS {{value}} ORDER BY {{value}} DESC LIMIT 1
    RETURN collect({{value}})[0] AS {{top}}
  }
  CALL () {
    MATCH ({{b}}:Customer) WHERE {{b}}.id IS NOT NULL
    WITH {{b}}.id AS {{id}} ORDER BY {{id}} DESC LIMIT 1
    RETURN collect({{id}})[0] AS {{lastId}}
  }
  // backward from the customers without a value, or from the very end: those first
  CALL ({{inMissing}}, {{fromEnd}}, {{lastId}}) {
    CALL ({{inMissing}}, {{fromEnd}}, {{lastId}}) {
      MATCH ({{c}}:Customer)
      WHERE {{c}}.id < CASE WHEN $backward AND {{inMissing}} THEN $afterId END
        AND {{c}}.ORDER_PROPERTY IS NULL
      WITH {{c}} ORDER BY {{c}}.id DESC LIMIT $limit
      RETURN {{c}}
      UNION ALL
      MATCH ({{c}}:Customer)
      WHERE {{c}}.id <= CASE WHEN $backward AND {{fromEnd}} THEN {{lastId}} END
        AND {{c}}.ORDER_PROPERTY IS NULL
      WITH {{c}} ORDER BY {{c}}.id DESC LIMIT $limit
      RETURN {{c}}
    }
    RETURN collect([true, {{c}}]) AS {{leading}}
  }
  // the customers with a value: from the cursor's value (its remaining ties first) or an end
  CALL ({{after}}, {{inMissing}}, {{fromEnd}}, {{leading}}, {{bottom}}, {{top}}, {{lastId}}) {
    WITH * WHERE size({{leading}}) < $limit AND ($backward OR NOT {{inMissing}})
    WITH CASE WHEN {{inMissing}} OR {{fromEnd}} THEN null ELSE {{after}} END AS {{from}},
         {{bottom}}, {{top}}, {{lastId}}
    CALL ({{from}}, {{bottom}}, {{top}}) {
      CALL ({{from}}, {{bottom}}, {{top}}) {
        MATCH ({{v}}:Customer)
        WHERE {{v}}.ORDER_PROPERTY > CASE WHEN $up THEN {{from}} END AND {{v}}.id IS NOT NULL
        WITH DISTINCT {{v}}.ORDER_PROPERTY AS {{value}} ORDER BY {{value}} ASC LIMIT $limit
        RETURN {{value}}
        UNION ALL
        MATCH ({{v}}:Customer)
        WHERE {{v}}.ORDER_PROPERTY >= CASE WHEN $up AND {{from}} IS NULL THEN {{bottom}} END
          AND {{v}}.id IS NOT NULL
        WITH DISTINCT {{v}}.ORDER_PROPERTY AS {{value}} ORDER BY {{value}} ASC LIMIT $limit
        RETURN {{value}}
        UNION ALL
        MATCH ({{v}}:Customer)
        WHERE {{v}}.ORDER_PROPERTY < CASE WHEN NOT $up THEN {{from}} END AND {{v}}.id IS NOT NULL
        WITH DISTINCT {{v}}.ORDER_PROPERTY AS {{value}} ORDER BY {{value}} DESC LIMIT $limit
        RETURN {{value}}
        UNION ALL
        MATCH ({{v}}:Customer)
        WHERE {{v}}.ORDER_PROPERTY <= CASE WHEN NOT $up AND {{from}} IS NULL THEN {{top}} END
          AND {{v}}.id IS NOT NULL
        WITH DISTINCT {{v}}.ORDER_PROPERTY AS {{value}} ORDER BY {{value}} DESC LIMIT $limit
        RETURN {{value}}
      }
      RETURN collect({{value}}) AS {{beyond}}
    }
    UNWIND CASE WHEN {{from}} IS NULL THEN {{beyond}} ELSE [{{from}}] + {{beyond}} END AS {{value}}
    CALL ({{value}}, {{from}}, {{lastId}}) {
      MATCH ({{t}}:Customer)
      WHERE {{t}}.ORDER_PROPERTY = {{value}}
        AND {{t}}.id > CASE WHEN NOT $backward
                            THEN CASE WHEN {{value}} = {{from}} THEN $afterId ELSE '' END END
      WITH {{t}} ORDER BY {{t}}.id ASC LIMIT $limit
      RETURN {{t}}
      UNION ALL
      MATCH ({{t}}:Customer)
      WHERE {{t}}.ORDER_PROPERTY = {{value}}
        AND {{t}}.id < CASE WHEN $backward AND {{value}} = {{from}} THEN $afterId END
      WITH {{t}} ORDER BY {{t}}.id DESC LIMIT $limit
      RETURN {{t}}
      UNION ALL
      MATCH ({{t}}:Customer)
      WHERE {{t}}.ORDER_PROPERTY = {{value}}
        AND {{t}}.id <= CASE WHEN $backward AND ({{from}} IS NULL OR {{value}} <> {{from}})
                             THEN {{lastId}} END
      WITH {{t}} ORDER BY {{t}}.id DESC LIMIT $limit
      RETURN {{t}}
    }
    WITH {{t}} LIMIT $limit
    RETURN collect([false, {{t}}]) AS {{valued}}
  }
  // forward past the values, or from the customers without a value: those last
  CALL ({{inMissing}}, {{leading}}, {{valued}}) {
    MATCH ({{c}}:Customer)
    WHERE {{c}}.id > CASE WHEN NOT $backward AND size({{valued}}) < $limit
                          THEN CASE WHEN {{inMissing}} THEN $afterId ELSE '' END END
      AND {{c}}.ORDER_PROPERTY IS NULL
    WITH {{c}} ORDER BY {{c}}.id ASC LIMIT $limit
    RETURN collect([true, {{c}}]) AS {{trailing}}
  }
  UNWIND ({{leading}} + {{valued}} + {{trailing}})[..$limit] AS {{row}}
  WITH {{row}}[0] AS {{missing}}, {{row}}[1] AS {{node}}
  RETURN collect({
    key: [{{missing}},
          CASE WHEN $temporal THEN toString({{node}}.ORDER_PROPERTY) ELSE {{node}}.ORDER_PROPERTY END,
          {{node}}.id],
    node: {{node}} {.id{{fields}}}
  }) AS rows
}
RETURN rows, COUNT { (:Customer) } AS total
