"""Bearer tokens for tests, signed with the test session's secret (C360_JWT_SECRET, which the
settings fixture exports, so `c360 serve` subprocesses accept them too)."""

from __future__ import annotations

from core.settings import Settings
from security.roles import Role
from security.tokens import mint


def bearer(*roles: Role, subject: str = "tests", settings: Settings | None = None) -> str:
    """`Bearer <JWT>` for these roles (admin when none are given), valid for an hour."""
    settings = settings or Settings()
    return "Bearer " + mint(settings, roles=roles or (Role.ADMIN,), subject=subject, ttl_s=3600)


def auth_header(*roles: Role, subject: str = "tests") -> dict[str, str]:
    return {"Authorization": bearer(*roles, subject=subject)}
