// saveSegment: a new (:Segment); a name already taken writes nothing (duplicate = true).
// Returns: duplicate, segment
OPTIONAL MATCH (taken:Segment {name: $segmentName})
WITH count(taken) > 0 AS duplicate
FOREACH (_ IN CASE WHEN duplicate THEN [] ELSE [1] END |
  CREATE (:Segment {id: $id, name: $segmentName, definition: $definition, createdAt: datetime()})
)
WITH duplicate
OPTIONAL MATCH (s:Segment {id: $id})
RETURN duplicate, CASE WHEN duplicate THEN null ELSE s {.*} END AS segment
