// Query.feedbackSummary: FEEDBACK interactions with a score that occurred in [$from, $to)
// (null bounds: open), summed up for everyone ('全部', first) and then for each tag directly
// below the tag $tagId (none when null), by name: the responses of customers holding that tag
// or one below it. Each row: how many responses, their average score, and the NPS (% scores
// 9-10 minus % scores 0-6). A response counts once per group, however many of the group's tags
// its customer holds.
// Returns: group, responses, averageScore, nps
CALL () {
  MATCH (i:Interaction)
  WHERE i.type = 'FEEDBACK'
    AND i.occurredAt >= coalesce($from, datetime('0001-01-01T00:00:00Z'))
    AND i.occurredAt < coalesce($to, datetime('9999-12-31T23:59:59Z'))
    AND i.score IS NOT NULL
  RETURN collect(i) AS responses
}
// The groups and the tags in each one's subtree (a few dozen tags).
CALL () {
  OPTIONAL MATCH (child:Tag)-[:CHILD_OF]->(:Tag {id: $tagId})
  OPTIONAL MATCH (below:Tag)-[:CHILD_OF*0..]->(child)
  WITH child, collect(below.id) AS tags ORDER BY child.name
  RETURN collect(CASE WHEN child IS NOT NULL THEN {name: child.name, tags: tags} END) AS groups
}
CALL (responses, groups) {
  WITH responses, groups, reduce(all = [], g IN groups | all + g.tags) AS groupTags
  WHERE groups <> []
  UNWIND responses AS i
  MATCH (c:Customer)-[:HAD]->(i)
  WITH c, collect(i.score) AS scores, groups, groupTags
  // each responding customer's tags read once (not once per response), kept when in a group
  MATCH (c)-[:HAS_TAG]->(t:Tag)
  WHERE t.id IN groupTags
  UNWIND [g IN groups WHERE t.id IN g.tags | g.name] AS name
  WITH DISTINCT name, c, scores
  UNWIND scores AS score
  WITH name, collect(score) AS scores
  RETURN collect({name: name, scores: scores}) AS grouped
}
UNWIND [{group: '全部', scores: [i IN responses | i.score]}]
       + [g IN groups |
          {group: g.name, scores: coalesce([x IN grouped WHERE x.name = g.name][0].scores, [])}]
       AS row
WITH row.group AS group, row.scores AS scores, size(row.scores) AS n
RETURN group, n AS responses,
       CASE WHEN n > 0 THEN toFloat(reduce(total = 0, s IN scores | total + s)) / n END
         AS averageScore,
       CASE WHEN n > 0
            THEN 100.0 * (size([s IN scores WHERE s >= 9]) - size([s IN scores WHERE s <= 6])) / n
       END AS nps
