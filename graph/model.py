"""The fixed vocabularies of the graph model (../shared/contract/graph-model.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class InteractionType(StrEnum):
    PURCHASE = "PURCHASE"
    VIEW = "VIEW"
    CALL = "CALL"
    EMAIL = "EMAIL"
    MEETING = "MEETING"
    TICKET = "TICKET"
    FEEDBACK = "FEEDBACK"


class LifecycleStageName(StrEnum):
    PROSPECT = "PROSPECT"
    NEW = "NEW"
    ACTIVE = "ACTIVE"
    LOYAL = "LOYAL"
    AT_RISK = "AT_RISK"
    DORMANT = "DORMANT"
    CHURNED = "CHURNED"


class TagSource(StrEnum):
    MANUAL = "MANUAL"
    IMPORT = "IMPORT"
    RULE = "RULE"


STAGE_ORDER = {stage.value: order for order, stage in enumerate(LifecycleStageName, start=1)}
# Interactions of these types are about exactly one product.
PRODUCT_INTERACTIONS = frozenset({InteractionType.PURCHASE.value, InteractionType.VIEW.value})
GENDERS = frozenset({"F", "M", "U"})
TAG_STATUSES = frozenset({"ACTIVE", "DEPRECATED"})


class LinkageAction(StrEnum):
    CREATE_TASK = "CREATE_TASK"
    ASSIGN_OWNER = "ASSIGN_OWNER"
    CALL_WEBHOOK = "CALL_WEBHOOK"


class LinkageTrigger(StrEnum):
    TAG_ADDED = "TAG_ADDED"
    TAG_REMOVED = "TAG_REMOVED"
    STAGE_ENTERED = "STAGE_ENTERED"


# The relationship from a linkage rule to the tag whose gain or loss fires it.
TRIGGER_RELATIONSHIPS = {
    LinkageTrigger.TAG_ADDED.value: "WHEN_ADDED",
    LinkageTrigger.TAG_REMOVED.value: "WHEN_REMOVED",
}


class TaskStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class TicketStatus(StrEnum):
    OPEN = "OPEN"
    PENDING = "PENDING"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


# A ticket in one of these is resolved (and has resolvedAt); in any other it is open.
TICKET_RESOLVED = frozenset({TicketStatus.RESOLVED.value, TicketStatus.CLOSED.value})


class TicketPriority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


# What ticket and feedback interactions carry besides the common fields.
TICKET_FIELDS = ("status", "priority", "assignee", "firstResponseAt", "resolvedAt")
FEEDBACK_FIELDS = ("score",)
SCORE_RANGE = (0, 10)


class ChangeKind(StrEnum):
    """The kinds of event in the change log (graph/changes.py)."""

    CUSTOMER_UPSERTED = "CUSTOMER_UPSERTED"
    CUSTOMER_MERGED = "CUSTOMER_MERGED"
    CUSTOMER_ERASED = "CUSTOMER_ERASED"
    TAG_ADDED = "TAG_ADDED"
    TAG_REMOVED = "TAG_REMOVED"
    STAGE_CHANGED = "STAGE_CHANGED"
    TASK_CHANGED = "TASK_CHANGED"
    INTERACTION_RECORDED = "INTERACTION_RECORDED"
    TICKET_CHANGED = "TICKET_CHANGED"


TAG_EVENT_KINDS = frozenset({ChangeKind.TAG_ADDED.value, ChangeKind.TAG_REMOVED.value})


class TagChange(StrEnum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"


class TimelineKind(StrEnum):
    """What a Customer.timeline item records, in the order items of one moment are listed
    (cypher/fields/Customer/timeline.cypher ranks them the same way)."""

    INTERACTION = "INTERACTION"
    TAG_ADDED = "TAG_ADDED"
    TAG_REMOVED = "TAG_REMOVED"
    STAGE_CHANGED = "STAGE_CHANGED"
    OWNER_CHANGED = "OWNER_CHANGED"
    TASK_CREATED = "TASK_CREATED"
    TASK_DONE = "TASK_DONE"
    MERGED = "MERGED"
    PROFILE_UPDATED = "PROFILE_UPDATED"


# The contract's Customer properties, in its order (exports use it as their columns).
CUSTOMER_MODEL = (
    "id", "name", "email", "phone", "gender", "birthDate", "city", "region", "source",
    "createdAt", "updatedAt",
)  # fmt: skip
# What c360 derives on a customer (an import cannot set it).
CUSTOMER_DERIVED = ("purchaseTotal", "lastPurchaseAt", "purchaseCount", "nameKey", "merging")
# Every property of the model, the owner and the derived ones; any other scalar property is a
# custom field (Customer.fields), given by imports or upsertCustomer(input: {fields}).
CUSTOMER_PROPERTIES = frozenset((*CUSTOMER_MODEL, "owner", *CUSTOMER_DERIVED))
# What a custom field's key may look like (a property name).
FIELD_KEY = r"^[A-Za-z_][A-Za-z0-9_]*$"

# An argument an update (updateTag, updateTask) leaves as it is, where None means "clear it".
UNSET: Any = object()
