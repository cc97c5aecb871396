"""The fixed vocabularies of the graph model (../shared/contract/graph-model.md)."""

from __future__ import annotations

from enum import StrEnum


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


class TagChange(StrEnum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
