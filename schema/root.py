"""The served schema: Query, Mutation and Subscription, the contract's scalars, the security
layer (schema/security.py) and error masking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from core.settings import Settings
from schema.errors import C360MaskErrors, ErrorCodes, log_expected
from schema.events import Subscription
from schema.fast_reads import AnsweredDocuments, FastReads
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALARS
from schema.security import Authorize, CostLimit, RequestDeadline, limits


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
    ]
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALARS),
    )


schema = make_schema()
