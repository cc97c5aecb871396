"""The served schema: Query and Mutation, the contract's scalars, and error masking."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.errors import C360MaskErrors, log_expected
from schema.events import Subscription
from schema.mutation import Mutation
from schema.query import Query
from schema.scalars import SCALARS


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_expected(errors, execution_context)


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[C360MaskErrors],
    config=StrawberryConfig(scalar_map=SCALARS),
)
