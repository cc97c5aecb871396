// eraseCustomer: the customer and everything that is theirs deleted: its interactions, tasks,
// tag assignments and stage spans (its relationships), its tag events and changes (the
// history, by customerId), its place in snapshots (whose counts drop by one), the ids of the
// customers merged into it. Products, tags and stages stay: they are not theirs; so do the
// change events of other kinds about them (ids and kinds only), and a CUSTOMER_ERASED one is
// added, by $actor. Returns its name, email and phone, which the caller removes from the
// audit trail; null when there is no such customer (nothing written).
// Returns: name, email, phone
MATCH (c:Customer {id: $customerId})
WITH c, c.name AS name, c.email AS email, c.phone AS phone
CALL (c) {
  MATCH (c)-[:HAD]->(i:Interaction)
  DETACH DELETE i
}
CALL (c) {
  MATCH (c)-[:HAS_TASK]->(task:Task)
  DETACH DELETE task
}
CALL (c) {
  MATCH (e:TagEvent {customerId: c.id})
  DETACH DELETE e
}
CALL (c) {
  MATCH (change:CustomerChange {customerId: c.id})
  DETACH DELETE change
}
CALL (c) {
  MATCH (snapshot:SegmentSnapshot)-[:INCLUDES]->(c)
  SET snapshot.count = snapshot.count - 1
}
CALL (c) {
  MATCH (alias:CustomerAlias)-[:ALIAS_OF]->(c)
  DETACH DELETE alias
}
WITH c, c.id AS id, name, email, phone
DETACH DELETE c
// the change event stays: subscribers learn that the id is gone (it holds no personal data)
CREATE (:Change:PendingChange {kind: 'CUSTOMER_ERASED', at: datetime(), customerId: id,
                               actor: $actor})
RETURN name, email, phone
