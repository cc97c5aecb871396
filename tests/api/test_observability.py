"""What operators see (operations.md, "Observability"): /metrics in Prometheus' text format
and one log line a request, as JSON with C360_LOG_FORMAT=json, without personal data."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from core.settings import Settings
from graph.db import Graph
from security.roles import Role
from server import create_app
from tests.conftest import serving
from tests.tokens import auth_header

CUSTOMER = '{ customer(id: "c1") { name email tags { name } } }'


@pytest.fixture
def client(shop: Graph, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=auth_header(Role.ADMIN)) as client:
        yield client


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_metrics_count_requests_errors_and_round_trips(client: TestClient) -> None:
    for _ in range(2):
        assert "errors" not in client.post("/graphql", json={"query": CUSTOMER}).json()
    # the client's operation name is not a label (unbounded); the root field is
    named = {"query": "query Whatever123 { customers(first: 2) { totalCount } }"}
    assert "errors" not in client.post("/graphql", json=named).json()
    anonymous = client.post("/graphql", json={"query": CUSTOMER}, headers={"Authorization": ""})
    assert anonymous.status_code == 401
    costly = "{ tags { customers(first: 1000) { edges { node { tags { name } } } } } }"
    assert client.post("/graphql", json={"query": costly}).json()["errors"]
    found = samples(client)

    def requests(operation: str, outcome: str) -> float:
        return found[("c360_requests_total", (("operation", operation), ("outcome", outcome)))]

    assert requests("query customer", "ok") == 2
    assert requests("query customers", "ok") == 1
    assert requests("none", "error") == 1
    assert requests("query tags", "error") == 1
    assert not any("Whatever123" in str(labels) for _, labels in found)
    assert found[("c360_errors_total", (("code", "UNAUTHENTICATED"),))] == 1
    assert found[("c360_errors_total", (("code", "QUERY_TOO_COMPLEX"),))] == 1
    assert found[("c360_request_seconds_count", (("operation", "query customer"),))] == 2
    # five requests: the two customer-360s one round trip each, the refused ones none
    assert found[("c360_cypher_round_trips_count", ())] == 5
    assert found[("c360_cypher_round_trips_bucket", (("le", "0.0"),))] == 2
    assert found[("c360_cypher_round_trips_bucket", (("le", "1.0"),))] == 5
    assert found[("c360_neo4j_up", ())] == 1
    assert found[("c360_subscriptions_active", ())] == 0


def test_json_logs_one_line_a_request_without_personal_data(tmp_path: Path, shop: Graph) -> None:
    log = tmp_path / "serve.log"
    with serving(env={"C360_LOG_FORMAT": "json"}, log=log) as url:
        headers = auth_header(Role.ADMIN, subject="li.lei")
        answer = httpx2.post(f"{url}/graphql", json={"query": CUSTOMER}, headers=headers)
        assert answer.json()["data"]["customer"]["email"] == "alice@example.com"
        refused = httpx2.post(f"{url}/graphql", json={"query": CUSTOMER})
        assert refused.status_code == 401
        # an error quoting what the client sent is logged by code and field only
        bad = 'mutation { upsertCustomer(input: {id: "c9", name: "Zed", email: "zed@@x"}) { id } }'
        bad_email = httpx2.post(f"{url}/graphql", json={"query": bad}, headers=headers)
        assert "'zed@@x' is not an email address" in bad_email.json()["errors"][0]["message"]
    text = log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all({"ts", "level", "msg"} <= line.keys() for line in lines)
    assert "\u001b" not in text and not any("color_message" in line for line in lines)
    requests = [line for line in lines if line.get("name") == "c360.request"]
    assert [
        (r["subject"], r["operation"], r["roundTrips"], r["errorCode"], r["level"])
        for r in requests
    ] == [
        ("li.lei", "query customer", 1, None, "INFO"),
        (None, "none", 0, "UNAUTHENTICATED", "INFO"),
        ("li.lei", "mutation upsertCustomer", 0, "BAD_USER_INPUT", "INFO"),
    ]
    assert all(len(r["requestId"]) == 32 and r["durationMs"] > 0 for r in requests)
    # the answer held c1's email and name; the log holds neither (nor the query's arguments)
    assert "alice@example.com" not in text and "Alice" not in text and "zed@@x" not in text
    assert any(line["msg"] == "graphql error BAD_USER_INPUT at upsertCustomer (field input.email)"
               for line in lines)  # fmt: skip


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx2.get(f"{url}/metrics").text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


OK_CUSTOMER = ("c360_requests_total", (("operation", "query customer"), ("outcome", "ok")))


def test_with_two_workers_every_scrape_counts_both(shop: Graph) -> None:
    """`--workers 2`: requests land on either process; a scrape, answered by either, sums
    both (prometheus-client's multiprocess mode in a directory `c360 serve` makes)."""
    with serving("--workers", "2") as url:
        with httpx2.Client(headers=auth_header(Role.ADMIN)) as http:
            for _ in range(30):  # a new connection each: the kernel spreads them
                http.post(
                    f"{url}/graphql", json={"query": CUSTOMER}, headers={"Connection": "close"}
                )
        scrapes = [scrape(url) for _ in range(6)]
    assert [found[OK_CUSTOMER] for found in scrapes] == [30.0] * 6
    assert all(found[("c360_neo4j_up", ())] == 1 for found in scrapes)


async def test_operations_over_a_socket_are_counted_and_logged(tmp_path: Path, shop: Graph) -> None:
    log = tmp_path / "serve.log"
    with serving(env={"C360_LOG_FORMAT": "json"}, log=log) as url:
        ws = await connect(
            url.replace("http", "ws") + "/graphql",
            subprotocols=[Subprotocol("graphql-transport-ws")],
        )
        await ws.send(json.dumps({"type": "connection_init", "payload": auth_header(Role.VIEWER)}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": CUSTOMER}}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
        assert answer["payload"]["data"]["customer"]["email"] == "a***@example.com"
        await ws.close()
        found = scrape(url)
    assert found[OK_CUSTOMER] == 1
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    [request] = [line for line in lines if line.get("name") == "c360.request"]
    assert (request["subject"], request["operation"], request["roundTrips"]) == (
        "tests", "query customer", 1
    )  # fmt: skip
