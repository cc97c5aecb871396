// `c360 migrate`: tasks from before tasks had a status (linkage rules' tasks) are OPEN.
// Returns: tasks
MATCH (t:Task) WHERE t.status IS NULL
SET t.status = 'OPEN'
RETURN count(t) AS tasks
