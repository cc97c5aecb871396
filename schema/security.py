"""The API's one security layer (docs/security.md), applied to the whole schema:

- `Authorize`, a schema extension: before anything runs, the request must carry a valid
  token and its roles must allow every root field of the operation; otherwise the request
  fails whole with UNAUTHENTICATED or FORBIDDEN and nothing runs (so nothing is written).
- `Audited`, on every mutation (`schema.fields.mutation` adds it): the mutation and its
  audit entry run in one Neo4j transaction, committed together or not at all; then the
  request's loaders are cleared, so nothing read before the write is served after it.
- `PersonalData`, on the fields holding personal data: masked for roles without it, which
  covers every place a Customer is served (queries, mutation results, subscriptions).
- `RequestDeadline`: one deadline for all the Cypher of a request (graph/deadline.py).
- `CostLimit`: a request estimated to return more than C360_MAX_NODES objects is refused
  before anything runs (schema/cost.py).
- `limits(settings)`: depth and aliases (schema/limits.py), tokens and, when configured, no
  introspection; parse and validation cached per document.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import partial
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    FieldExtension,
    MaxTokensLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.field_extension import AsyncExtensionResolver, SyncExtensionResolver
from strawberry.types import Info
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET
from strawberry.utils.str_converters import to_camel_case

from core.errors import C360Error, Forbidden, Unauthenticated
from core.settings import Settings
from graph import audit
from graph.deadline import within
from resolvers.context import Context
from schema.cost import too_complex
from schema.errors import CodedParserCache, mark_request_error
from schema.limits import alias_limit, depth_limit
from security.masking import mask_personal

DOCUMENT_CACHE = 512  # distinct documents whose parse and validation are kept (LRU)


def _error(error: C360Error) -> GraphQLError:
    return GraphQLError(error.message, original_error=error, extensions=error.extensions)


def root_fields(
    selection_set: SelectionSetNode, fragments: dict[str, Any], seen: set[str] | None = None
) -> Iterator[str]:
    """The names of an operation's root fields, through fragments (each one walked once: a
    fragment spread twice has the same fields both times)."""
    seen = set() if seen is None else seen
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                seen.add(name)
                yield from root_fields(fragments[name].selection_set, fragments, seen)


def operation_label(document: Any, operation_name: str | None) -> str:
    """`<type> <first root field>` ("query customer"): bounded by the schema, whatever the
    client names its operation, so it can label metrics ("none" without a document)."""
    if document is None:
        return "none"
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return "none"
    first = next(root_fields(operation.selection_set, _fragments(document)), "none")
    return f"{operation.operation.value} {first}"


def _fragments(document: Any) -> dict[str, Any]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def refusal(context: Context, document: Any, operation_name: str | None) -> C360Error | None:
    """Why this request may not run, or None when it may."""
    context.operation = operation_label(document, operation_name)
    if context.principal is None:
        return context.auth_error or Unauthenticated("no bearer token")
    if context.principal.expired():  # a socket's token, checked at connection_init
        return Unauthenticated("the bearer token has expired")
    operation = get_operation_ast(document, operation_name)
    if operation is None:  # graphql-core reports the missing operation itself
        return None
    for name in root_fields(operation.selection_set, _fragments(document)):
        if name.startswith("__"):  # __typename, introspection
            continue
        if reason := context.principal.forbidden_reason(operation.operation.value, name):
            return Forbidden(reason)
    return None


class Authorize(SchemaExtension):
    """Authentication and the role table, checked once per request before execution."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        error = (
            refusal(context, document, execution.operation_name)
            if isinstance(context, Context) and document is not None
            else None
        )
        if error is not None:
            if execution.operation_type is OperationType.SUBSCRIPTION:
                # strawberry subscribes whatever the result; raised here, the stream (HTTP
                # or socket) ends with this error before the subscription starts
                raise _error(error)
            # a result set before execution makes strawberry skip execution
            execution.result = ExecutionResult(data=None, errors=[_error(error)])
        yield


class CostLimit(SchemaExtension):
    """A request estimated over C360_MAX_NODES objects is refused whole, before any Cypher:
    a request error like a document that does not validate."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if execution.result is None and isinstance(context, Context) and document is not None:
            error = too_complex(
                execution.schema._schema,
                document,
                execution.operation_name,
                execution.variables,
                context.settings,
            )
            if error is not None:
                mark_request_error(execution)
                if execution.operation_type is OperationType.SUBSCRIPTION:
                    raise _error(error)
                execution.result = ExecutionResult(data=None, errors=[_error(error)])
        yield


class RequestDeadline(SchemaExtension):
    """All the Cypher of a query or mutation shares one deadline, C360_REQUEST_TIMEOUT_S
    (graph/deadline.py); the HTTP layer sets it earlier for its requests, this covers the
    ones sent over a socket. A subscription's events are not one request: each event's
    transactions keep C360_QUERY_TIMEOUT."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if execution.operation_type is OperationType.SUBSCRIPTION or not isinstance(
            context, Context
        ):
            yield
            return
        with within(context.settings.request_timeout_s):
            yield


def _plain(value: Any) -> Any:
    """Arguments as JSON-ready values under their GraphQL names (input objects, enums, dates)."""
    if isinstance(value, dict):
        return {to_camel_case(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            to_camel_case(f.name): _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not UNSET
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def audit_arguments(arguments: dict[str, Any]) -> str:
    """A mutation's arguments (as its resolver gets them) as JSON, personal data masked."""
    plain = mask_personal(_plain(arguments))
    return json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Audited(FieldExtension):
    """A mutation and its audit entry in one transaction (a failed mutation leaves none)."""

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        context: Context = info.context
        assert context.principal is not None  # Authorize let the request through
        entry = audit.Entry(
            actor=context.principal.subject,
            action=info.field_name,
            arguments=audit_arguments(kwargs),
        )

        async def mutation_and_entry() -> Any:
            result = await next_(source, info, **kwargs)
            await audit.record(context.graph, entry)
            return result

        try:
            return await context.graph.atomically(mutation_and_entry)
        finally:
            # The one place loaders are cleared after a write: the result's fields, and any
            # later mutation of the request, read the graph as it is now.
            context.loaders.clear_all()


class PersonalData(FieldExtension):
    """Served as is to roles that see personal data, through `mask` to the others."""

    def __init__(self, mask: Callable[[Any], Any]) -> None:
        super().__init__()
        self.mask = mask

    def resolve(self, next_: SyncExtensionResolver, source: Any, info: Info, **kwargs: Any) -> Any:
        value = next_(source, info, **kwargs)
        principal = info.context.principal
        return value if principal is not None and principal.sees_personal_data else self.mask(value)


def limits(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The abuse limits of these settings, as factories of schema extensions (strawberry makes
    one per request), with the document's parse and validation cached.

    The depth and alias rules are built once here, not per request: ValidationCache keys on
    the rule classes."""
    rules = [depth_limit(settings.max_query_depth), alias_limit(settings.max_aliases)]
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(CodedParserCache, maxsize=DOCUMENT_CACHE),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=DOCUMENT_CACHE),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return extensions
