// Indexes for segmentation (attribute filters), traversal and time windows.
CREATE INDEX customer_city IF NOT EXISTS FOR (n:Customer) ON (n.city);
CREATE INDEX customer_region IF NOT EXISTS FOR (n:Customer) ON (n.region);
CREATE INDEX customer_gender IF NOT EXISTS FOR (n:Customer) ON (n.gender);
CREATE INDEX customer_birth_date IF NOT EXISTS FOR (n:Customer) ON (n.birthDate);
CREATE INDEX customer_source IF NOT EXISTS FOR (n:Customer) ON (n.source);
CREATE INDEX customer_email IF NOT EXISTS FOR (n:Customer) ON (n.email);
CREATE INDEX customer_phone IF NOT EXISTS FOR (n:Customer) ON (n.phone);
// searchCustomers: any substring of the name key (trigrams: Chinese and Latin alike).
CREATE TEXT INDEX customer_name_key IF NOT EXISTS FOR (n:Customer) ON (n.nameKey);
CREATE INDEX tag_category IF NOT EXISTS FOR (n:Tag) ON (n.category);
CREATE INDEX product_category IF NOT EXISTS FOR (n:Product) ON (n.category);
CREATE INDEX product_sku IF NOT EXISTS FOR (n:Product) ON (n.sku);
CREATE INDEX interaction_type_occurred IF NOT EXISTS FOR (n:Interaction) ON (n.type, n.occurredAt);
CREATE INDEX interaction_occurred IF NOT EXISTS FOR (n:Interaction) ON (n.occurredAt);
CREATE INDEX has_tag_source IF NOT EXISTS FOR ()-[r:HAS_TAG]-() ON (r.source);
// Tag rules find the assignments they made.
CREATE INDEX has_tag_rule IF NOT EXISTS FOR ()-[r:HAS_TAG]-() ON (r.ruleId);
// Subscribers read the tag event log in order.
CREATE INDEX tag_event_seq IF NOT EXISTS FOR (n:TagEvent) ON (n.seq);
// The change log (graph/changes.py) is read by seq; a customer's changes by customerId.
CREATE INDEX change_seq IF NOT EXISTS FOR (n:Change) ON (n.seq);
CREATE INDEX change_customer IF NOT EXISTS FOR (n:Change) ON (n.customerId);
// auditLog pages newest first.
CREATE INDEX audit_entry_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at);
// Customer.timeline and tags(asOf:) read a customer's history.
CREATE INDEX tag_event_customer IF NOT EXISTS FOR (n:TagEvent) ON (n.customerId);
CREATE INDEX customer_change_customer IF NOT EXISTS FOR (n:CustomerChange) ON (n.customerId);
// Query.customers(orderBy:): each order's pages are read from (property, id) in index order.
CREATE INDEX customer_name_order IF NOT EXISTS FOR (n:Customer) ON (n.name, n.id);
CREATE INDEX customer_created_order IF NOT EXISTS FOR (n:Customer) ON (n.createdAt, n.id);
CREATE INDEX customer_spend_order IF NOT EXISTS FOR (n:Customer) ON (n.purchaseTotal, n.id);
CREATE INDEX customer_last_purchase_order IF NOT EXISTS FOR (n:Customer) ON (n.lastPurchaseAt, n.id);
// duplicateCustomers counts name+birthDate pairs from this index alone.
CREATE INDEX customer_birth_name IF NOT EXISTS FOR (n:Customer) ON (n.birthDate, n.nameKey);
// The work queue (Query.tasks) is read from dueAt in index order.
CREATE INDEX task_due IF NOT EXISTS FOR (n:Task) ON (n.dueAt);
// The webhook outbox: each rule's pending deliveries in event order; a delivery by its id.
CREATE INDEX pending_delivery_rule IF NOT EXISTS FOR (n:PendingDelivery) ON (n.ruleId, n.eventSeq);
CREATE INDEX webhook_delivery_id IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.id);
CREATE INDEX webhook_delivery_rule IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.ruleId);
// Retention deletes the deliveries done before its cutoff.
CREATE INDEX webhook_delivery_created IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.createdAt);
// --- The service queues, filtered (Query.tickets, Query.tasks: cypher/*/page.cypher) ---
// Each holds every property a combination of filters names, then the queue's order
// (occurredAt; dueAt, or id for the tasks without one): a page walks the range of each value
// asked in that order, and a count reads the matching entries alone. A node lacking a
// property is in no index holding it (tickets without an assignee, tasks without dueAt).
CREATE INDEX ticket_status_priority IF NOT EXISTS FOR (n:Interaction) ON (n.type, n.status, n.priority, n.occurredAt);
CREATE INDEX ticket_assignee_status_priority IF NOT EXISTS FOR (n:Interaction) ON (n.type, n.assignee, n.status, n.priority, n.occurredAt);
CREATE INDEX task_status_due IF NOT EXISTS FOR (n:Task) ON (n.status, n.dueAt);
CREATE INDEX task_status_id IF NOT EXISTS FOR (n:Task) ON (n.status, n.id);
CREATE INDEX task_assignee_status_due IF NOT EXISTS FOR (n:Task) ON (n.assignee, n.status, n.dueAt);
CREATE INDEX task_assignee_status_id IF NOT EXISTS FOR (n:Task) ON (n.assignee, n.status, n.id);
// --- end of the service queue counts ---
