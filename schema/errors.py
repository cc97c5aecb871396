"""What clients see when something fails.

- A `C360Error` (bad argument, unknown id, Neo4j away) passes through unmasked; graphql-core
  copies its `extensions` (`code`, `field`) into the error.
- Errors about the request itself (syntax, validation, variable types) pass through as is.
- Anything else raised while resolving is a bug: the client gets "internal error" with the
  request id, and the server logs the traceback under that id (logger `c360.api`).
"""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from core.errors import C360Error
from resolvers.context import Context

log = logging.getLogger("c360.api")


def is_unexpected(error: GraphQLError) -> bool:
    """True for an exception raised while resolving a field that is not a C360Error."""
    original = error.original_error
    return (
        error.path is not None
        and original is not None
        and not isinstance(original, (C360Error, GraphQLError))
    )


class C360MaskErrors(MaskErrors):
    """MaskErrors with `is_unexpected`, a request id in the message, and the traceback logged."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="internal error")

    def _request_id(self) -> str:
        context = self.execution_context.context
        return context.request_id if isinstance(context, Context) else "-"

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = self._request_id()
        original = error.original_error
        log.error(
            "internal error (request %s) at %s: %r",
            request_id,
            ".".join(str(part) for part in error.path or ()),
            original,
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
        return GraphQLError(
            message=f"{self.error_message} (request id {request_id})",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


def log_expected(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Schema.process_errors: expected errors at INFO without a traceback (the masked ones
    are logged with theirs by C360MaskErrors)."""
    for error in errors:
        if not is_unexpected(error):
            log.info("graphql error: %s", error.message)
