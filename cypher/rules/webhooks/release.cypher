// The sender is done with rule $id for now: its lease, if $owner still holds it, is free.
// Returns: released
MATCH (rule:LinkageRule {id: $id})
WHERE rule.leaseOwner = $owner
SET rule.leaseUntil = null, rule.leaseOwner = null
RETURN true AS released
