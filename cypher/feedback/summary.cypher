// Query.feedbackSummary: FEEDBACK interactions with a score that occurred in [$from, $to)
// (null bounds: open), summed up for everyone ('全部', first) and then for each tag directly
// below the tag $tagId (none when null), by name: the responses of customers holding that tag
// or one below it. Each row: how many responses, their average score, and the NPS (% scores
// 9-10 minus % scores 0-6). A response counts once per group, however many of the group's tags
// its customer holds.
// Returns: group, responses, averageScore, nps
CALL () {
  MATCH (i:Interaction)
  WHERE i.type = 'FEEDBACK' AND i.score IS NOT NULL
    AND ($from IS NULL OR i.occurredAt >= $from) AND ($to IS NULL OR i.occurredAt < $to)
  RETURN collect(i) AS responses
}
// Walking up from each response's customer's tags (a tag has at most one parent) reads each
// response once, where walking down from each group would read them once per group.
CALL (responses) {
  UNWIND responses AS i
  MATCH (c:Customer)-[:HAD]->(i)
  MATCH (c)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(child:Tag)-[:CHILD_OF]->(:Tag {id: $tagId})
  WITH DISTINCT child, i
  WITH child, collect(i.score) AS scores
  RETURN collect({name: child.name, scores: scores}) AS grouped
}
OPTIONAL MATCH (child:Tag)-[:CHILD_OF]->(:Tag {id: $tagId})
WITH responses, grouped, child ORDER BY child.name
WITH responses, grouped, collect(child.name) AS children
UNWIND [{group: '全部', scores: [i IN responses | i.score]}]
       + [name IN children |
          {group: name, scores: coalesce([g IN grouped WHERE g.name = name][0].scores, [])}]
       AS row
WITH row.group AS group, row.scores AS scores, size(row.scores) AS n
RETURN group, n AS responses,
       CASE WHEN n > 0 THEN toFloat(reduce(total = 0, s IN scores | total + s)) / n END
         AS averageScore,
       CASE WHEN n > 0
            THEN 100.0 * (size([s IN scores WHERE s >= 9]) - size([s IN scores WHERE s <= 6])) / n
       END AS nps
