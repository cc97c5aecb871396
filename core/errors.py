"""The errors c360 raises on purpose.

    C360Error                  anything a user can cause or fix; never shown with a traceback
    ├── BadUserInput           an argument or input line is invalid (GraphQL: BAD_USER_INPUT)
    ├── NotFound               an id or name that does not exist (GraphQL: NOT_FOUND)
    ├── Conflict               a uniqueness constraint refused a write (another writer was first)
    ├── GraphUnavailable       Neo4j cannot be reached or refused the credentials
    ├── QueryError             Cypher that Neo4j rejected (analysts' queries)
    ├── TimedOut               the request's deadline passed, or a transaction's (TIMEOUT)
    ├── Unauthenticated        no bearer token, or one that is not valid (UNAUTHENTICATED)
    ├── Forbidden              a valid token whose roles do not allow the action (FORBIDDEN)
    ├── ConfigurationError     a setting that cannot work (e.g. a JWT secret too short)
    └── LocalNeo4jError        the local Neo4j could not be built, started or stopped

Driver errors become these in one place, `graph.driver_errors.translate`. Each carries a
GraphQL error code so the API can hand it to clients unmasked: graphql-core copies
an exception's `extensions` dict into the error it reports (`errors[].extensions`).
"""

from __future__ import annotations


class C360Error(Exception):
    """Base class: an expected failure with a message fit for the user."""

    code = "INTERNAL_SERVER_ERROR"
    field: str | None = None  # the argument or input field at fault, when there is one

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def extensions(self) -> dict[str, str]:
        """`{"code": ..., "field": ...}` as GraphQL clients see it (field only when known)."""
        return {"code": self.code} | ({"field": self.field} if self.field else {})


class BadUserInput(C360Error):
    """An invalid argument; the message names the field and the reason."""

    code = "BAD_USER_INPUT"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(C360Error):
    code = "NOT_FOUND"

    def __init__(self, what: str, key: str, field: str | None = None) -> None:
        prefix = f"{field}: " if field else ""
        super().__init__(f"{prefix}{what} not found: {key!r}")
        self.what = what
        self.key = key
        self.field = field


class Conflict(C360Error):
    """Neo4j refused a write on a uniqueness constraint; callers that race on a name turn it
    into the BadUserInput they would have raised had they seen the other write."""

    code = "BAD_USER_INPUT"


class GraphUnavailable(C360Error):
    code = "SERVICE_UNAVAILABLE"


class QueryError(C360Error):
    code = "BAD_USER_INPUT"


class TimedOut(C360Error):
    code = "TIMEOUT"


class Unauthenticated(C360Error):
    code = "UNAUTHENTICATED"


class Forbidden(C360Error):
    code = "FORBIDDEN"


class ConfigurationError(C360Error):
    code = "INTERNAL_SERVER_ERROR"


class LocalNeo4jError(C360Error):
    code = "SERVICE_UNAVAILABLE"
