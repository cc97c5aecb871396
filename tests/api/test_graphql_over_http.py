"""GraphQL over HTTP as the specification and ../shared/contract/operations.md ask:
graphql-http's own audit against a running `c360 serve`, the media type
`application/graphql-response+json` with 400 for request errors, a code on every error, and
subscriptions over plain HTTP (SSE and multipart), not only WebSockets."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from graph.db import Graph
from security.roles import Role
from server import create_app, prefers_graphql_response_json
from tests.conftest import serving
from tests.tokens import auth_header, bearer

AUDIT = Path(__file__).parents[1] / "http_audit"
GRAPHQL_RESPONSE = "application/graphql-response+json"
SUBSCRIBE = "subscription { tagEvents { seq change tag { name } customer { id email } } }"


@pytest.fixture
def server(shop: Graph, settings: Settings) -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture
def client(shop: Graph, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=auth_header(Role.ADMIN)) as client:
        yield client


def test_graphql_http_audit_finds_nothing(server: str) -> None:
    """Every MUST and SHOULD audit of graphql-http passes (before: 8 SHOULD warnings)."""
    node = shutil.which("node")
    assert node is not None, "node is needed (scripts/bootstrap --dev installs the audit)"
    assert (AUDIT / "node_modules" / "graphql-http").is_dir(), "run scripts/bootstrap --dev"
    finished = subprocess.run(
        [node, str(AUDIT / "audit.mjs"), f"{server}/graphql", bearer().removeprefix("Bearer ")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    outcomes = json.loads(finished.stdout)
    assert len(outcomes) >= 60
    assert [o for o in outcomes if o["status"] != "ok"] == []
    # the audits of the media type are among them
    assert any(GRAPHQL_RESPONSE in o["name"] and o["status"] == "ok" for o in outcomes)


def post(client: TestClient, body: Any, accept: str = GRAPHQL_RESPONSE) -> httpx2.Response:
    response: httpx2.Response = client.post("/graphql", json=body, headers={"accept": accept})
    return response


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ customers(first: ) }"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ customers { shoeSize } }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query ($n: Int) { customers(first: $n) { totalCount } }",
             "variables": {"n": "ten"}},
            "BAD_USER_INPUT",
        ),
        (
            {"query": "{ tags { customers(first: 1000) { edges { node { tags { name } } } } } }"},
            "QUERY_TOO_COMPLEX",
        ),
    ],
)  # fmt: skip
def test_request_errors_are_400_without_data(client: TestClient, body: Any, code: str) -> None:
    response = post(client, body)
    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    payload = response.json()
    assert "data" not in payload  # nothing was executed
    assert [error["extensions"]["code"] for error in payload["errors"]] == [code]
    # the same request in plain JSON: 200 (what older clients expect), the same body
    legacy = post(client, body, accept="application/json")
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == "application/json"
    assert legacy.json() == payload


def test_execution_errors_and_answers_stay_200(client: TestClient) -> None:
    ok = post(client, {"query": '{ customer(id: "c1") { name } }'})
    assert ok.status_code == 200
    assert ok.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert ok.json() == {"data": {"customer": {"name": "Alice"}}}
    # a field error after execution began: 200, data present (null), the error coded
    failed = post(
        client, {"query": 'mutation { setStage(customerId: "nobody", stage: NEW) { id } }'}
    )
    assert failed.status_code == 200
    body = failed.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_requests_without_graphql_are_coded_too(client: TestClient) -> None:
    broken = client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.json() == {
        "errors": [
            {
                "message": "Unable to parse request body as JSON",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }
    put = client.put("/graphql", json={"query": "{ __typename }"})
    assert put.status_code == 405
    assert put.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_every_error_carries_a_code(client: TestClient, settings: Settings) -> None:
    documents = [
        "{ customers(first: ) }",
        "{ nope }",
        "{ " + " ".join(f"a{i}: __typename" for i in range(settings.max_aliases + 1)) + " }",
        "{ customers(first: -1) { totalCount } }",
        "{ auditLog { edges { node { id } } } }",
    ]
    viewer = auth_header(Role.VIEWER)
    for document in documents:
        response = client.post("/graphql", json={"query": document}, headers=viewer)
        errors = response.json().get("errors")
        assert errors, document
        for error in errors:
            assert isinstance(error.get("extensions", {}).get("code"), str), (document, error)


@pytest.mark.parametrize(
    ("accept", "preferred"),
    [
        ("application/graphql-response+json", True),
        ("application/graphql-response+json, application/json", True),
        ("application/json, application/graphql-response+json", False),
        ("application/json;q=0.9, application/graphql-response+json", True),
        ("application/graphql-response+json;q=0.5, application/json", False),
        ("application/graphql-response+json;q=0", False),
        ("*/*", False),
        ("", False),
    ],
)
def test_media_type_negotiation(accept: str, preferred: bool) -> None:
    assert prefers_graphql_response_json(accept) is preferred


# --- subscriptions over HTTP --------------------------------------------------------------


async def events(response: httpx2.Response) -> AsyncIterator[dict[str, Any]]:
    """The JSON payloads of an SSE stream (`event: next`) or of a multipart subscription
    (`{"payload": ...}` parts; `{}` parts are heartbeats)."""
    buffer = ""
    async for chunk in response.aiter_text():
        buffer += chunk
        if response.headers["content-type"].startswith("text/event-stream"):
            *frames, buffer = buffer.split("\r\n\r\n")
            for frame in frames:
                fields = dict(line.split(": ", 1) for line in frame.split("\r\n") if ": " in line)
                if fields.get("event") == "next":
                    yield json.loads(fields["data"])
        else:
            *parts, buffer = buffer.split("\r\n--graphql")
            for part in parts:
                _, _, body = part.partition("\r\n\r\n")
                message = json.loads(body) if body.strip() else {}
                if "payload" in message:
                    yield message["payload"]


async def first_event(url: str, accept: str, role: Role, change: str) -> dict[str, Any]:
    """Subscribe over HTTP, have an admin make `change` (a mutation) through the API, and
    return the subscription's first event."""
    headers = {"accept": accept, **auth_header(role)}
    async with (
        httpx2.AsyncClient(base_url=url, timeout=20) as http,
        http.stream("POST", "/graphql", json={"query": SUBSCRIBE}, headers=headers) as response,
    ):
        assert response.status_code == 200
        stream = events(response)
        write = asyncio.create_task(write_after_subscribing(url, change))
        try:
            return await asyncio.wait_for(anext(stream), timeout=15)
        finally:
            await write


async def write_after_subscribing(url: str, mutation: str) -> None:
    await asyncio.sleep(0.5)  # the subscription is listening by then (events poll every 0.1 s)
    async with httpx2.AsyncClient(base_url=url, headers=auth_header(Role.ADMIN)) as http:
        body = (await http.post("/graphql", json={"query": mutation})).json()
        assert "errors" not in body, body


@pytest.mark.parametrize(
    "accept", ["text/event-stream", 'multipart/mixed;subscriptionSpec="1.0", application/json']
)
async def test_subscriptions_over_http(server: str, accept: str) -> None:
    assign = 'mutation { assignTags(customerId: "c1", tags: ["Risk"]) { id } }'
    event = (await first_event(server, accept, Role.ADMIN, assign))["data"]["tagEvents"]
    assert (event["change"], event["tag"], event["customer"]) == (
        "ADDED",
        {"name": "Risk"},
        {"id": "c1", "email": "alice@example.com"},
    )
    # masking holds on this path too
    remove = 'mutation { removeTags(customerId: "c1", tags: ["Risk"]) { id } }'
    event = (await first_event(server, accept, Role.VIEWER, remove))["data"]["tagEvents"]
    assert (event["change"], event["customer"]) == (
        "REMOVED",
        {"id": "c1", "email": "a***@example.com"},
    )


async def test_http_subscriptions_refuse_without_running(server: str) -> None:
    """No token: 401 before anything is parsed (no stream, nothing subscribed). A document
    that does not parse: one GRAPHQL_PARSE_FAILED result, not a broken stream."""
    async with httpx2.AsyncClient(base_url=server, timeout=10) as http:
        anonymous = await http.post(
            "/graphql", json={"query": SUBSCRIBE}, headers={"accept": "text/event-stream"}
        )
        assert anonymous.status_code == 401
        assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        response = await http.post(
            "/graphql",
            json={"query": "subscription { tagEvents { seq "},
            headers={"accept": "text/event-stream", **auth_header(Role.ADMIN)},
        )
        results = [payload async for payload in events(response)]
        codes = [[e["extensions"]["code"] for e in r["errors"]] for r in results]
        assert codes == [["GRAPHQL_PARSE_FAILED"]]
        assert response.text.endswith("event: complete\r\ndata: \r\n\r\n")
        # a subscription whose every event could carry 100k objects: refused before it starts
        costly = await http.post(
            "/graphql",
            json={"query": "subscription { tagEvents { tag { customers(first: 1000) { edges "
                           "{ node { tags { customers(first: 5) { edges { cursor } } } } } } "
                           "} } }"},
            headers={"accept": "text/event-stream", **auth_header(Role.ADMIN)},
        )  # fmt: skip
        results = [payload async for payload in events(costly)]
        codes = [[e["extensions"]["code"] for e in r["errors"]] for r in results]
        assert codes == [["QUERY_TOO_COMPLEX"]]


def test_a_lone_surrogate_is_a_coded_400_not_a_traceback(client: TestClient) -> None:
    """JSON may spell a lone UTF-16 surrogate (\\ud800), which no string can hold: it used to
    be a 500 with a traceback in the log."""
    query = r'{"query": "{ customer(id: \"\ud800\") { id } }"}'
    variables = (
        r'{"query": "query ($id: ID!) { customer(id: $id) { id } }", "variables": {"id": "\udfff"}}'
    )
    for body in (query, variables):
        response = client.post(
            "/graphql", content=body.encode(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert error["extensions"] == {"code": "BAD_REQUEST"}
    # in a GET's query string, invalid UTF-8 decodes to U+FFFD: an unknown id, not an error
    answered = client.get(
        "/graphql?query=%7B%20customer(id%3A%20%22%ED%A0%80%22)%20%7B%20id%20%7D%20%7D"
    )
    assert answered.status_code == 200
    assert answered.json() == {"data": {"customer": None}}
