"""Errors as clients see them: C360Errors with their code, everything else masked and logged."""

from __future__ import annotations

import logging
import socket

import neo4j
import pytest

from core.settings import Settings
from graph.db import Graph
from tests.api.conftest import Api


async def test_unexpected_error_is_masked_with_a_request_id_and_logged(
    api: Api, graph: Graph, caplog: pytest.LogCaptureFixture
) -> None:
    # Data that breaks the model (an unknown interaction type) is a bug, not a user error.
    await graph.run_text(
        "tests/bad",
        """CREATE (c:Customer {id: 'c1', name: 'A'})-[:HAD]->
                  (:Interaction {id: 'i1', type: 'TELEPATHY', occurredAt: datetime()})""",
        write=True,
    )
    context = api.context()
    with caplog.at_level(logging.INFO, logger="c360.api"):
        result = await api.execute_with(
            context,
            '{ customer(id: "c1") { name interactions { edges { node { type } } } } }',
        )
    assert result.data is None or result.data["customer"] is None
    assert result.errors is not None
    [error] = [e.formatted for e in result.errors]
    assert error["message"] == f"internal error (request id {context.request_id})"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": context.request_id}
    assert "TELEPATHY" not in str(error)
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert context.request_id in record.getMessage()
    assert "TELEPATHY" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], ValueError)


async def test_expected_errors_are_logged_without_traceback(
    api: Api, graph: Graph, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="c360.api"):
        await api.error('mutation { setStage(customerId: "x", stage: NEW) { id } }')
    [record] = [r for r in caplog.records if r.name == "c360.api"]
    assert record.levelno == logging.INFO
    assert record.exc_info is None


async def test_request_errors_are_not_masked(api: Api, graph: Graph) -> None:
    error = await api.error("{ customers { edges { node { shoeSize } } } }")
    assert "shoeSize" in error["message"]
    error = await api.error("{ customers(first: ) }")
    assert "Syntax Error" in error["message"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def test_neo4j_unreachable_is_reported_unmasked(settings: Settings) -> None:
    driver = neo4j.AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{_closed_port()}",
        auth=("neo4j", "x"),
        max_transaction_retry_time=0.5,
    )
    try:
        api = Api(Graph(driver, "neo4j", timeout_s=5.0, retry_s=0.5), settings)
        error = await api.error("{ customers { totalCount } }")
    finally:
        await driver.close()
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
    assert error["message"].startswith("Neo4j is not reachable")
