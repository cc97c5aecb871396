"""Queries and mutations sent over a subscription socket (graphql-transport-ws) are requests
too: each is counted in /metrics and gets its log line, like one over HTTP (where the HTTP
layer does it, fast path included). A subscription is not a request: the
`c360_subscriptions_active` gauge follows it instead."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from core.observe import RequestRecord, error_codes
from graph.db import counting_round_trips
from resolvers.context import Context
from schema.security import operation_label


class SocketRequests(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            not isinstance(context, Context)
            or context.metrics is None
            or not isinstance(context.request, WebSocket)
        ):
            yield
            return
        started = time.perf_counter()
        with counting_round_trips(keep_statements=False) as round_trips:
            yield
        if execution.operation_type is OperationType.SUBSCRIPTION:
            return
        result = execution.result
        errors = (result.errors if result is not None else None) or execution.pre_execution_errors
        RequestRecord(
            request_id=uuid.uuid4().hex,
            subject=context.principal.subject if context.principal else None,
            operation=operation_label(execution.graphql_document, execution.operation_name),
            seconds=time.perf_counter() - started,
            round_trips=round_trips.count,
            error_codes=error_codes(errors),
        ).observed(context.metrics)
