// The graph model's keys (../shared/contract/graph-model.md): every label unique on `id`,
// Tag also on `name`. IF NOT EXISTS makes `c360 migrate` safe to run again.
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (n:Customer) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT tag_id IF NOT EXISTS FOR (n:Tag) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT tag_name IF NOT EXISTS FOR (n:Tag) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT lifecycle_stage_id IF NOT EXISTS FOR (n:LifecycleStage) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT lifecycle_stage_name IF NOT EXISTS FOR (n:LifecycleStage) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT segment_id IF NOT EXISTS FOR (n:Segment) REQUIRE n.id IS UNIQUE;
// Segment names are what users look segments up by; two saves racing must not both win.
CREATE CONSTRAINT segment_name IF NOT EXISTS FOR (n:Segment) REQUIRE n.name IS UNIQUE;
// The tag system (docs/tags.md): an old tag name lives on as a TagAlias of the tag it now
// means; tag rules are looked up by id and named uniquely.
CREATE CONSTRAINT tag_alias_name IF NOT EXISTS FOR (n:TagAlias) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT tag_rule_id IF NOT EXISTS FOR (n:TagRule) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT tag_rule_name IF NOT EXISTS FOR (n:TagRule) REQUIRE n.name IS UNIQUE;
// Tag events and linkage rules (docs/tags.md): one event log node, rules and tasks by id.
CREATE CONSTRAINT event_log_id IF NOT EXISTS FOR (n:EventLog) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT linkage_rule_id IF NOT EXISTS FOR (n:LinkageRule) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT linkage_rule_name IF NOT EXISTS FOR (n:LinkageRule) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT task_id IF NOT EXISTS FOR (n:Task) REQUIRE n.id IS UNIQUE;
// The audit trail (docs/security.md): one entry per successful mutation.
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE;
// History and snapshots (docs/graph-model.md): changes to a customer, frozen segments.
CREATE CONSTRAINT customer_change_id IF NOT EXISTS FOR (n:CustomerChange) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT segment_snapshot_id IF NOT EXISTS FOR (n:SegmentSnapshot) REQUIRE n.id IS UNIQUE;
// One record per person (docs/data-quality.md): a merged customer's id lives on as an alias.
CREATE CONSTRAINT customer_alias_id IF NOT EXISTS FOR (n:CustomerAlias) REQUIRE n.id IS UNIQUE;
