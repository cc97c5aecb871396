// When customers were created, by id (`c360 merge-duplicates` keeps the oldest of a group).
// Returns: id, createdAt
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN id, c.createdAt AS createdAt
