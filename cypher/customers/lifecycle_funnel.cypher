// Query.lifecycleFunnel: customers currently in each of the $stages (names, in order).
// Returns: stage, customers
UNWIND $stages AS stage
RETURN stage, COUNT { (:Customer)-[:IN_STAGE]->(:LifecycleStage {name: stage}) } AS customers
