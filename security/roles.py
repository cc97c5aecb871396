"""The role table of ../shared/contract/security.md, as data.

Every mutation belongs to one write area; a role may write the areas it lists. Reads are open
to every role but `auditLog`, which only admins read. Personal data (email, phone, birthDate)
is plain for the roles marked so and masked for the others. `tests/api/test_security.py`
checks that every mutation of the schema has an area, so a new mutation cannot slip through
unguarded.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MARKETER = "marketer"
    SALES = "sales"
    ANALYST = "analyst"
    VIEWER = "viewer"


class Area(StrEnum):
    """What a mutation changes."""

    ERASURE = "erasure"  # admin only: no other role lists it
    CUSTOMERS = "customers"
    TAG_ASSIGNMENTS = "tag assignments"
    STAGES = "stages"
    INTERACTIONS = "interactions"  # recordInteraction, updateTicket (and imports)
    TAGS = "tags"
    TAG_RULES = "tag rules"
    LINKAGE_RULES = "linkage rules"
    SEGMENTS = "segments"


WRITES: dict[Role, frozenset[Area]] = {
    Role.ADMIN: frozenset(Area),
    Role.MARKETER: frozenset({Area.TAGS, Area.TAG_RULES, Area.LINKAGE_RULES, Area.SEGMENTS}),
    Role.SALES: frozenset({Area.CUSTOMERS, Area.TAG_ASSIGNMENTS, Area.STAGES, Area.INTERACTIONS}),
    Role.ANALYST: frozenset(),
    Role.VIEWER: frozenset(),
}
SEES_PERSONAL_DATA = frozenset({Role.ADMIN, Role.MARKETER, Role.SALES})

# Each mutation (its GraphQL name) and the area it writes.
MUTATION_AREAS: dict[str, Area] = {
    "upsertCustomer": Area.CUSTOMERS,
    "eraseCustomer": Area.ERASURE,
    "mergeCustomers": Area.CUSTOMERS,
    "createTask": Area.CUSTOMERS,
    "updateTask": Area.CUSTOMERS,
    "recordInteraction": Area.INTERACTIONS,
    "updateTicket": Area.INTERACTIONS,
    "assignTags": Area.TAG_ASSIGNMENTS,
    "removeTags": Area.TAG_ASSIGNMENTS,
    "setStage": Area.STAGES,
    "createTag": Area.TAGS,
    "renameTag": Area.TAGS,
    "mergeTags": Area.TAGS,
    "deprecateTag": Area.TAGS,
    "updateTag": Area.TAGS,
    "createTagRule": Area.TAG_RULES,
    "updateTagRule": Area.TAG_RULES,
    "setTagRuleEnabled": Area.TAG_RULES,
    "runTagRules": Area.TAG_RULES,
    "createLinkageRule": Area.LINKAGE_RULES,
    "updateLinkageRule": Area.LINKAGE_RULES,
    "setLinkageRuleEnabled": Area.LINKAGE_RULES,
    "deleteLinkageRule": Area.LINKAGE_RULES,
    "saveSegment": Area.SEGMENTS,
    "deleteSegment": Area.SEGMENTS,
    "snapshotSegment": Area.SEGMENTS,
}
ADMIN_ONLY_QUERIES = frozenset({"auditLog"})


@dataclass(frozen=True)
class Principal:
    """Who sent a request: the token's subject, its roles c360 knows, and when the token
    expires (epoch seconds; None for principals made without a token, e.g. by the CLI)."""

    subject: str
    roles: frozenset[Role]
    expires: float | None = None

    @classmethod
    def of(cls, subject: str, roles: Iterable[str], expires: float | None = None) -> Principal:
        """Roles this server does not know are dropped (an identity provider may add its own)."""
        known = {role.value for role in Role}
        return cls(subject, frozenset(Role(role) for role in roles if role in known), expires)

    def expired(self, now: float | None = None) -> bool:
        return self.expires is not None and (time.time() if now is None else now) >= self.expires

    @property
    def sees_personal_data(self) -> bool:
        return bool(self.roles & SEES_PERSONAL_DATA)

    def may_write(self, area: Area) -> bool:
        return any(area in WRITES[role] for role in self.roles)

    def may_read(self, query_field: str) -> bool:
        if query_field in ADMIN_ONLY_QUERIES:
            return Role.ADMIN in self.roles
        return bool(self.roles)

    def forbidden_reason(self, operation: str, root_field: str) -> str | None:
        """Why this principal may not run `root_field` of a query/mutation/subscription, or
        None when it may."""
        shown = ", ".join(sorted(self.roles)) or "no c360 role"
        if operation == "mutation":
            area = MUTATION_AREAS.get(root_field)
            if area is None:  # a mutation missing from the table is nobody's but an admin's
                return None if Role.ADMIN in self.roles else f"{root_field} is for admins"
            if not self.may_write(area):
                return f"{root_field} writes {area}, which {shown} may not change"
            return None
        if not self.may_read(root_field):
            if root_field in ADMIN_ONLY_QUERIES:
                return f"{root_field} is for admins ({shown})"
            return f"reading needs a c360 role, the token has {shown}"
        return None
