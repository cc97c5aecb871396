"""What clients see when something fails.

- A `C360Error` (bad argument, unknown id, Neo4j away) passes through unmasked; graphql-core
  copies its `extensions` (`code`, `field`) into the error.
- Errors about the request itself (syntax, validation, variable types) pass through unmasked,
  coded `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED` or `BAD_USER_INPUT` by `ErrorCodes`,
  which also marks the request so the HTTP layer answers it 400 (GraphQL over HTTP).
- Anything else raised while resolving is a bug: the client gets "internal error" with the
  request id, and the server logs the traceback under that id (logger `c360.api`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors, ParserCache, SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.execution import StreamExecutionResult

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


PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL = "INTERNAL_SERVER_ERROR"


def _code(errors: Iterable[GraphQLError], code: str) -> None:
    for error in errors:
        if error.extensions is None:
            error.extensions = {}
        error.extensions.setdefault("code", code)


class ErrorCodes(SchemaExtension):
    """Every error leaves with an `extensions.code`.

    A document that does not parse or validate, and variables that do not coerce, are request
    errors: nothing ran, and the HTTP layer answers them 400 when the client accepts
    `application/graphql-response+json` (it reads `Context.request_error`). Anything left
    uncoded after execution is internal; C360MaskErrors replaces the unexpected ones with its
    own coded error whatever this one set (codes are only ever added, never changed)."""

    def on_validate(self) -> Iterator[None]:
        yield
        self._request_errors(VALIDATION_FAILED)

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors or result.data is not None:
            return
        # graphql-core refuses variables that do not coerce before any field runs: data null,
        # errors without a path (refusals by Authorize carry their own code).
        before_fields = [
            e for e in result.errors if e.path is None and "code" not in (e.extensions or {})
        ]
        if before_fields:
            _code(before_fields, BAD_USER_INPUT)
            mark_request_error(self.execution_context)

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            _code(result.errors, INTERNAL)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        errors = getattr(result, "errors", None)
        if errors:
            _code([e for e in errors if e.path is not None], INTERNAL)
            _code(errors, BAD_USER_INPUT)  # a subscription's variables, refused before it ran
        yield

    def _request_errors(self, code: str) -> None:
        errors = self.execution_context.pre_execution_errors
        if errors:
            _code(errors, code)
            mark_request_error(self.execution_context)


def mark_request_error(execution_context: ExecutionContext) -> None:
    if isinstance(execution_context.context, Context):
        execution_context.context.request_error = True


class CodedParserCache(ParserCache):
    """ParserCache whose syntax errors leave coded GRAPHQL_PARSE_FAILED. It parses on entering
    the parse step, so a syntax error skips every later hook: it is coded here."""

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        try:
            execution.graphql_document = self.cached_parse_document(
                execution.query, **execution.parse_options
            )
        except GraphQLSyntaxError as error:
            _code([error], PARSE_FAILED)
            mark_request_error(execution)
            raise
        yield


def log_expected(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Schema.process_errors: expected errors at INFO, by code, path and field: not their
    messages, which may quote what the client sent ("'li@' is not an email address"), and
    logs hold no personal data. The masked ones are logged with their traceback by
    C360MaskErrors."""
    for error in errors:
        if not is_unexpected(error):
            extensions = error.extensions or {}
            log.info(
                "graphql error %s at %s%s",
                extensions.get("code", "-"),
                ".".join(str(part) for part in error.path or ()) or "-",
                f" (field {extensions['field']})" if "field" in extensions else "",
            )
