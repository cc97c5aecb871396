"""The rows the graph layer hands up to resolvers and schema types, by shape.

Node records are map projections (`c {.*}`), so a property a node lacks is a key its record
lacks: those keys are `NotRequired` (read them with `.get`). Temporal values are the
driver's (`neo4j.time.DateTime`, `Date`); schema/scalars.py makes them Python's. The graph
model behind them is docs/graph-model.md; tests/graph/test_cypher_files.py checks the columns
each Cypher file returns.
"""

from __future__ import annotations

from typing import Any, Generic, NotRequired, TypedDict, TypeVar

from neo4j.time import Date, DateTime

NodeT = TypeVar("NodeT")


class CustomerRow(TypedDict):
    id: str
    name: str
    email: NotRequired[str]
    phone: NotRequired[str]
    gender: NotRequired[str]
    birthDate: NotRequired[Date]
    city: NotRequired[str]
    region: NotRequired[str]
    source: NotRequired[str]
    owner: NotRequired[str]
    createdAt: NotRequired[DateTime]
    updatedAt: NotRequired[DateTime]
    purchaseTotal: NotRequired[float]
    lastPurchaseAt: NotRequired[DateTime]
    purchaseCount: NotRequired[int]
    _fetched: NotRequired[dict[str, Any]]  # by a translated read (graph/views.py)


class TagRow(TypedDict):
    id: str
    name: str
    category: NotRequired[str]
    description: NotRequired[str]
    status: NotRequired[str]
    createdAt: NotRequired[DateTime]
    _fetched: NotRequired[dict[str, Any]]  # by a translated read (graph/views.py)


class ProductRow(TypedDict):
    id: str
    name: str
    sku: NotRequired[str]
    category: NotRequired[str]
    price: NotRequired[float]
    _fetched: NotRequired[dict[str, Any]]  # by a translated read (graph/views.py)


class InteractionRow(TypedDict):
    id: str
    type: str
    occurredAt: NotRequired[DateTime]  # a translated read has it only where it is selected
    customerId: str
    productId: NotRequired[str | None]
    channel: NotRequired[str]
    amount: NotRequired[float]
    quantity: NotRequired[int]
    note: NotRequired[str]
    # TICKET interactions (graph/tickets.py)
    status: NotRequired[str]
    priority: NotRequired[str]
    assignee: NotRequired[str]
    firstResponseAt: NotRequired[DateTime]
    resolvedAt: NotRequired[DateTime]
    # FEEDBACK interactions
    score: NotRequired[int]
    _fetched: NotRequired[dict[str, Any]]  # by a translated read (graph/views.py)


class TagAssignmentRow(TypedDict):
    tag: TagRow
    source: str
    assignedAt: DateTime
    ruleId: NotRequired[str | None]


class LinkageRuleRow(TypedDict):
    id: str
    name: str
    action: str
    trigger: NotRequired[str]  # absent: TAG_ADDED (rules from before triggers)
    tag: NotRequired[TagRow | None]  # TAG_ADDED and TAG_REMOVED
    stage: NotRequired[str | None]  # STAGE_ENTERED
    enabled: NotRequired[bool]  # absent: enabled
    taskTitle: NotRequired[str | None]
    dueInDays: NotRequired[int | None]
    owners: NotRequired[list[str] | None]
    webhookUrl: NotRequired[str | None]
    deliveries: NotRequired[int]
    failures: NotRequired[int]
    abandoned: NotRequired[int]
    lastError: NotRequired[str | None]


class TaskRow(TypedDict):
    id: str
    title: str
    createdAt: DateTime
    customerId: NotRequired[str]
    dueAt: NotRequired[DateTime | None]
    status: NotRequired[str]  # absent: OPEN (tasks made before tasks had one)
    assignee: NotRequired[str | None]
    completedAt: NotRequired[DateTime | None]
    rule: NotRequired[LinkageRuleRow | None]


class TagRuleRow(TypedDict):
    id: str
    name: str
    tag: TagRow
    definition: str  # JSON text of a SegmentDefinition
    enabled: bool
    lastRunAt: NotRequired[DateTime | None]


class SegmentRow(TypedDict):
    id: str
    name: str
    definition: str  # JSON text of a SegmentDefinition
    createdAt: NotRequired[DateTime]


class SnapshotRow(TypedDict):
    id: str
    segmentId: str
    takenAt: DateTime
    asOf: DateTime
    count: int


class AuditEntryRow(TypedDict):
    id: str
    actor: str
    action: str
    arguments: str  # JSON, personal data masked
    at: DateTime


class ChangeRow(TypedDict):
    """One event of the change log (graph/changes.py): the common fields, and those of its
    kind (a tag event's are TagEventRow's)."""

    seq: int
    kind: str
    at: DateTime
    customerId: str
    actor: NotRequired[str | None]
    stage: NotRequired[str]  # STAGE_CHANGED
    taskId: NotRequired[str]  # TASK_CHANGED
    interactionId: NotRequired[str]  # INTERACTION_RECORDED, TICKET_CHANGED
    type: NotRequired[str]  # INTERACTION_RECORDED
    mergedIds: NotRequired[list[str]]  # CUSTOMER_MERGED
    tagId: NotRequired[str]  # TAG_ADDED, TAG_REMOVED
    tagName: NotRequired[str]


class TagEventRow(TypedDict):
    seq: int
    change: str
    source: str
    at: DateTime
    customerId: str
    tagId: str
    tagName: str
    ruleId: NotRequired[str | None]


class TimelineItemRow(TypedDict):
    """One item of Customer.timeline (cypher/fields/Customer/timeline.cypher): the common
    fields, and those of its kind."""

    at: DateTime
    kind: str
    id: str
    actor: NotRequired[str | None]
    interaction: NotRequired[InteractionRow]  # INTERACTION
    productName: NotRequired[str | None]
    tag: NotRequired[TagRow | None]  # TAG_ADDED, TAG_REMOVED
    tagName: NotRequired[str]
    source: NotRequired[str]
    ruleName: NotRequired[str | None]
    stage: NotRequired[str]  # STAGE_CHANGED
    owner: NotRequired[str | None]  # OWNER_CHANGED
    previousOwner: NotRequired[str | None]
    fields: NotRequired[list[str]]  # PROFILE_UPDATED
    mergedIds: NotRequired[list[str]]  # MERGED
    task: NotRequired[TaskRow]  # TASK_CREATED, TASK_DONE


class EdgeRow(TypedDict, Generic[NodeT]):
    """A row of a page: the node and its sort key (the cursor's content)."""

    key: list[Any]
    node: NodeT


class ServiceLevelRow(TypedDict):
    priority: str
    tickets: int
    open: int
    medianFirstResponseMinutes: float | None
    medianResolutionHours: float | None
    breached: int


class FeedbackSummaryRow(TypedDict):
    group: str
    responses: int
    averageScore: float | None
    nps: float | None
