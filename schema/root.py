"""The served schema: Query, Mutation and Subscription, the contract's scalars, the security
layer (schema/security.py) and error masking."""

from __future__ import annotations

from collections.abc import Callable
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLResolveInfo
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing.utils import should_skip_tracing
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from core import tracing
from core.settings import Settings
from schema.errors import C360MaskErrors, ErrorCodes, log_expected
from schema.events import Subscription
from schema.fast_reads import AnsweredDocuments, FastReads
from schema.mutation import Mutation
from schema.observe import SocketRequests
from schema.query import Query
from schema.scalars import SCALARS
from schema.security import Authorize, CostLimit, RequestDeadline, limits


class ResolverSpans(SchemaExtension):
    """A tracing span for each resolver that is not a plain property (installed only while
    tracing: a per-field hook costs every request). Named by the field, no arguments."""

    async def resolve(
        self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Any], *args: Any,
        **kwargs: Any,
    ) -> Any:  # fmt: skip
        if should_skip_tracing(_next, info):
            result = _next(root, info, *args, **kwargs)
            return await result if isawaitable(result) else result
        with tracing.span(f"resolve {info.parent_type.name}.{info.field_name}"):
            result = _next(root, info, *args, **kwargs)
            return await result if isawaitable(result) else result


class Schema(strawberry.Schema, AnsweredDocuments):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        strawberry.Schema.__init__(self, *args, **kwargs)
        AnsweredDocuments.__init__(self)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_expected(errors, execution_context)


def make_schema(settings: Settings | None = None) -> Schema:
    """The schema with the abuse limits of `settings` (default limits when None)."""
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        *limits(settings or Settings.model_construct()),
        Authorize,
        CostLimit,
        RequestDeadline,
        FastReads,
        C360MaskErrors,
        ErrorCodes,
        SocketRequests,
    ]
    if tracing.enabled():
        extensions.append(ResolverSpans)
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALARS),
    )


schema = make_schema()
