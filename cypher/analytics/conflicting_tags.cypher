// Which customers hold tags that exclude each other? Two or more children of one exclusive
// parent (a customer has one age band, one gender, one region, one value tier, one
// acquisition channel), or both tags of an exclusive pair (个人客户 / 企业客户, 活跃客户 /
// 休眠客户). Such customers point at a stale import or a rule that never removes its tag.
//
// Parameters:
//   $exclusiveParents = ["年龄段", "性别", "地域", "价值分层", "渠道来源"]  parents whose children exclude each other
//   $exclusivePairs = [["个人客户", "企业客户"], ["活跃客户", "休眠客户"]]  pairs of tags that exclude each other
// Columns:
//   id        the customer's id
//   name      their name
//   conflict  the exclusive parent's name, or "A / B" for an exclusive pair
//   tags      the conflicting tags they hold, sorted
CALL () {
  UNWIND $exclusiveParents AS parent
  MATCH (:Tag {name: parent})<-[:CHILD_OF]-(t:Tag)<-[:HAS_TAG]-(c:Customer)
  WITH c, parent, t
  ORDER BY t.name
  WITH c, parent, collect(t.name) AS tags
  WHERE size(tags) > 1
  RETURN c, parent AS conflict, tags
  UNION ALL
  UNWIND $exclusivePairs AS pair
  MATCH (c:Customer)-[:HAS_TAG]->(:Tag {name: pair[0]})
  WHERE EXISTS { (c)-[:HAS_TAG]->(:Tag {name: pair[1]}) }
  RETURN c, pair[0] + ' / ' + pair[1] AS conflict,
         CASE WHEN pair[0] < pair[1] THEN [pair[0], pair[1]] ELSE [pair[1], pair[0]] END AS tags
}
RETURN c.id AS id, c.name AS name, conflict, tags
ORDER BY id, conflict
