// Query.journey: for the customers bound to `c` by {{segment}} (a compiled segment's MATCH,
// graph/segments/compiler.py, or every customer), how many ever entered each lifecycle stage
// (a WAS_IN_STAGE or IN_STAGE span in it), and the median (percentileCont) of the days,
// fractional, from the customer's first span's start to their first entry into that stage:
// 0 for the stage they started in. A span without a start is left out. Only the stages
// someone entered, in no particular order (graph/journeys.py adds the others and orders them).
// Returns: stage, customers, medianDays
{{segment}}
CALL (c) {
  // no label on `stage`: these relationships only lead to stages, and a check costs a db hit
  MATCH (c)-[span:WAS_IN_STAGE|IN_STAGE]->(stage)
  WITH stage, min(coalesce(span.from, span.since)) AS entered
  WHERE entered IS NOT NULL
  RETURN collect({stage: stage.name, entered: entered}) AS firsts, min(entered) AS start
}
UNWIND firsts AS first
RETURN first.stage AS stage, count(*) AS customers,
       percentileCont(duration.inSeconds(start, first.entered).seconds / 86400.0, 0.5)
         AS medianDays
