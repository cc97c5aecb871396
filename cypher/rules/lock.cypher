// The first statement of a rule run: writing the rule node locks it until the run commits,
// so a run of the same rule started meanwhile (another replica's `--rules-every`, a CLI run)
// waits, then reads the holders this one left, and adds nothing twice.
// Returns: id
MATCH (rule:TagRule {id: $ruleId})
SET rule.lastRunAt = $now
RETURN rule.id AS id
