// Loader: Customer.stage, the stage of each customer's current IN_STAGE.
// Returns: key, value
UNWIND $ids AS id
MATCH (:Customer {id: id})-[:IN_STAGE]->(s:LifecycleStage)
RETURN id AS key, s.name AS value
