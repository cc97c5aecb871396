// Customer.stage: the name of its current lifecycle stage, or null.
head(COLLECT { MATCH ({{this}})-[:IN_STAGE]->({{stage}}:LifecycleStage) RETURN {{stage}}.name })
