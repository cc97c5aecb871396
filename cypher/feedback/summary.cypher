// Query.feedbackSummary: FEEDBACK interactions with a score that occurred in [$from, $to)
// (null bounds: open), summed up for everyone ('全部', first) and then for each tag directly
// below the tag $tagId (none when null), by name: the responses of customers holding that tag
// or one below it. Each row: how many responses, their average score, and the NPS (% scores
// 9-10 minus % scores 0-6). A response counts once per group, however many of the group's tags
// its customer holds.
// As a segment's tag condition (graph/segments/compiler.py): each group's holders are found
// once from the tag side, down its subtree to the holders (as many relationships as
// holders), and kept as a list, which `IN` looks up by hash; each responding customer's
// responses are summed up once and checked against every group. Reading each responder's
// tags instead read every tag of every responder (1.5 M relationships at 100,000 responses
// of 60,000 customers, against 94,000 here: docs/benchmarks.md).
// Returns: group, responses, averageScore, nps
// Per responding customer: how many responses, their score total, promoters - detractors.
CALL () {
  MATCH (i:Interaction)
  WHERE i.type = 'FEEDBACK'
    AND i.occurredAt >= coalesce($from, datetime('0001-01-01T00:00:00Z'))
    AND i.occurredAt < coalesce($to, datetime('9999-12-31T23:59:59Z'))
    AND i.score IS NOT NULL
  // whose (HAD always starts at a Customer: the label is not checked); with no groups to
  // check, none is read (the responses are summed up as one)
  OPTIONAL MATCH (c)-[:HAD]->(i) WHERE $tagId IS NOT NULL
  WITH c, count(i) AS n, sum(i.score) AS total,
       count(CASE WHEN i.score >= 9 THEN 1 END) - count(CASE WHEN i.score <= 6 THEN 1 END) AS net
  RETURN collect({customer: c, n: n, total: total, net: net}) AS responders
}
// The groups, by name, each with the customers holding a tag of its subtree (once each).
CALL () {
  OPTIONAL MATCH (child:Tag)-[:CHILD_OF]->(:Tag {id: $tagId})
  CALL (child) {
    OPTIONAL MATCH (b)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(child)
    RETURN collect(DISTINCT b) AS holders
  }
  WITH child, holders ORDER BY child.name
  RETURN collect(CASE WHEN child IS NOT NULL THEN {name: child.name, holders: holders} END)
           AS groups
}
UNWIND [{name: '全部', everyone: true}] + groups AS g
CALL (g, responders) {
  UNWIND responders AS r
  WITH r WHERE g.everyone OR r.customer IN g.holders
  RETURN sum(r.n) AS n, sum(r.total) AS total, sum(r.net) AS net
}
RETURN g.name AS group, n AS responses,
       CASE WHEN n > 0 THEN toFloat(total) / n END AS averageScore,
       CASE WHEN n > 0 THEN 100.0 * net / n END AS nps
