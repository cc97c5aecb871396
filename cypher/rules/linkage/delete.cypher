// deleteLinkageRule: the rule and its webhook deliveries (pending or done) go; the tasks it
// made stay, without their CREATED_BY (they keep createdBy: 'rule:<id>'). No row: unknown id.
// Returns: deleted
MATCH (rule:LinkageRule {id: $id})
CALL (rule) {
  MATCH (d:WebhookDelivery {ruleId: rule.id})
  DETACH DELETE d
}
DETACH DELETE rule
RETURN true AS deleted
