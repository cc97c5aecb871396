"""The ASGI app through HTTP (Starlette's TestClient, lifespan included)."""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from core.settings import Settings
from graph.analytics.library import library
from graph.local.instance import LocalNeo4j
from security.roles import Role
from server import create_app
from tests.tokens import auth_header

if TYPE_CHECKING:
    from tests.conftest import Neo4jServer


@pytest.fixture
def client(shop: Any, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers=auth_header()) as client:
        yield client


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz(client: TestClient) -> None:
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


def test_graphql_post(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        json={
            "query": "query ($id: ID!) { customer(id: $id) { name tags { name } stage } }",
            "variables": {"id": "c1"},
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "customer": {
                "name": "Alice",
                "tags": [{"name": "Gold"}, {"name": "VIP"}],
                "stage": "LOYAL",
            }
        }
    }


def test_graphql_get_query_and_errors(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": "{ lifecycleFunnel { customers } }"})
    assert response.status_code == 200
    assert [row["customers"] for row in response.json()["data"]["lifecycleFunnel"]] == [
        0,
        0,
        1,
        1,
        0,
        0,
        0,
    ]
    response = client.post(
        "/graphql",
        json={"query": 'mutation { assignTags(customerId: "c1", tags: ["Nope"]) { id } }'},
    )
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "tags"}
    assert error["message"] == "tags: unknown tag 'Nope'"


def test_graphiql_for_browsers(client: TestClient) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


def test_graphiql_loads_nothing_from_other_hosts(client: TestClient) -> None:
    """The playground must work on a closed network: every script and style is ours."""
    page = client.get("/graphql", headers={"Accept": "text/html"}).text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assets = [url for url in urls if not url.startswith("data:")]  # the inline favicon
    assert len(assets) == 7  # react, react-dom, js-cookie, graphiql js+css, explorer js+css
    for url in assets:
        assert url.startswith("/vendor/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 500, url


def test_graphql_transport_ws(client: TestClient) -> None:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        assert ws.accepted_subprotocol == "graphql-transport-ws"
        ws.send_json({"type": "connection_init", "payload": auth_header()})
        assert ws.receive_json() == {"type": "connection_ack"}


def test_graphql_transport_ws_needs_a_token(shop: Any, settings: Settings) -> None:
    """No token, or a bad one, in the upgrade header and connection_init: closed with 4403."""
    with TestClient(create_app(settings)) as anonymous:
        for payload in [{}, {"Authorization": "Bearer not-a-jwt"}]:
            with anonymous.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"]
            ) as ws:
                ws.send_json({"type": "connection_init", "payload": payload})
                with pytest.raises(WebSocketDisconnect) as closed:
                    ws.receive_json()
                assert closed.value.code == 4403
        # the header works as well as the payload
        with anonymous.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers=auth_header(Role.VIEWER)
        ) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json() == {"type": "connection_ack"}


def test_http_requests_need_a_valid_token(shop: Any, settings: Settings) -> None:
    query = {"query": '{ customer(id: "c1") { name email } }'}
    with TestClient(create_app(settings)) as anonymous:
        for headers, reason in [
            ({}, "no bearer token: send Authorization: Bearer <JWT>"),
            ({"Authorization": "Bearer x.y.z"}, "the bearer token is not valid: "),
            ({"Authorization": "Basic abc"}, "the Authorization header must be 'Bearer <JWT>'"),
        ]:
            response = anonymous.post("/graphql", json=query, headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == "Bearer"
            [error] = response.json()["errors"]  # and no data: nothing ran
            assert response.json().keys() == {"errors"}
            assert error["extensions"] == {"code": "UNAUTHENTICATED"}
            assert error["message"].startswith(reason), headers
        viewer = anonymous.post("/graphql", json=query, headers=auth_header(Role.VIEWER))
        assert viewer.json() == {
            "data": {"customer": {"name": "Alice", "email": "a***@example.com"}}
        }
        # health and GraphiQL need no token
        assert anonymous.get("/healthz").status_code == 200
        assert anonymous.get("/graphql", headers={"Accept": "text/html"}).status_code == 200


def test_anonymous_documents_are_neither_parsed_nor_validated(
    shop: Any, settings: Settings
) -> None:
    """Without a valid token nothing about the schema comes back (no "Did you mean 'email'?"),
    and a large document costs nothing to refuse."""
    typo = {"query": "{ customers { edges { node { emial } } } }"}
    fields = " ".join(f"f{i}: customers {{ totalCount }}" for i in range(420))
    big = {"query": "{ " + fields + " }"}
    broken = {"query": "{ customers(first: ) }"}
    with TestClient(create_app(settings)) as anonymous:
        for body in (typo, big, broken):
            response = anonymous.post("/graphql", json=body)
            assert (response.status_code, response.json()) == (
                401,
                {
                    "errors": [
                        {
                            "message": "no bearer token: send Authorization: Bearer <JWT>",
                            "extensions": {"code": "UNAUTHENTICATED"},
                        }
                    ]
                },
            )


def test_request_body_size_is_limited(shop: Any, settings: Settings) -> None:
    small = settings.model_copy(update={"max_body_bytes": 2000})
    with TestClient(create_app(small), headers=auth_header()) as client:
        padding = " " * 3000
        response = client.post("/graphql", json={"query": "{ __typename }" + padding})
        assert response.status_code == 413
        assert "2,000 bytes" in response.json()["errors"][0]["message"]
        assert client.post("/graphql", json={"query": "{ __typename }"}).status_code == 200


@pytest.mark.slow
@pytest.mark.skipif("C360_TEST_NEO4J_URI" in os.environ, reason="needs the local test Neo4j")
def test_rides_out_a_neo4j_restart(
    shop: Any, settings: Settings, neo4j_server: Neo4jServer
) -> None:
    local = LocalNeo4j(neo4j_server.home)
    query = {"query": '{ customer(id: "c2") { name } }'}
    fast = settings.model_copy(update={"max_retry_time_s": 2.0})
    with TestClient(create_app(fast), headers=auth_header()) as client:
        assert client.post("/graphql", json=query).json() == {"data": {"customer": {"name": "Bob"}}}
        local.stop()
        try:
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["status"] == "unavailable"
            assert response.json()["reason"]
            [error] = client.post("/graphql", json=query).json()["errors"]
            assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert client.get("/healthz").status_code == 200
        finally:
            local.start()
        deadline = time.monotonic() + 60
        while (status := client.get("/readyz").status_code) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 200
        assert client.post("/graphql", json=query).json() == {"data": {"customer": {"name": "Bob"}}}


def test_cross_origin_access_only_for_the_configured_origins(shop: Any, settings: Settings) -> None:
    app_origin, evil = "https://app.example.com", "https://evil.example.com"
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    query = {"query": "{ __typename }"}
    configured = settings.model_copy(
        update={"cors_origins": f"{app_origin}, http://localhost:5173"}
    )
    with TestClient(create_app(configured)) as client:
        allowed = client.options("/graphql", headers={"Origin": app_origin, **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == app_origin
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        answered = client.post(
            "/graphql", json=query, headers={"Origin": app_origin, **auth_header(Role.VIEWER)}
        )
        assert answered.headers["access-control-allow-origin"] == app_origin
        assert answered.json() == {"data": {"__typename": "Query"}}
        refused = client.options("/graphql", headers={"Origin": evil, **preflight})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
    with TestClient(create_app(settings)) as client:  # the default: no cross-origin access
        response = client.post(
            "/graphql", json=query, headers={"Origin": app_origin, **auth_header(Role.VIEWER)}
        )
        assert "access-control-allow-origin" not in response.headers


def test_the_analytics_guide_for_neo4j_browser(settings: Settings) -> None:
    """Served to anyone (it is the public library, no data), with the CORS answers Neo4j
    Browser's preflighted fetch needs; one slide per library query with its parameters and
    its query, runnable."""
    with TestClient(create_app(settings)) as anonymous:
        preflight = anonymous.options(
            "/guide/analytics",
            headers={"Origin": "http://127.0.0.1:7474", "Access-Control-Request-Method": "GET",
                     "Access-Control-Request-Headers": "pragma,cache-control"},
        )  # fmt: skip
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "*"
        assert "pragma" in preflight.headers["access-control-allow-headers"]
        response = anonymous.get("/guide/analytics", headers={"Origin": "http://127.0.0.1:7474"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["access-control-allow-origin"] == "*"
    page = response.text
    queries = library()
    assert page.count("<slide") == len(queries) + 1
    for name, query in queries.items():
        assert f"<h3>{name}</h3>" in page
        assert f'<pre class="runnable">{html.escape(query.body)}</pre>' in page
        for parameter in query.parameters:
            assert f'<pre class="runnable">:param {parameter.name} =&gt; ' in page
    assert '<pre class="runnable">:param segment =&gt; &quot;高价值客户&quot;</pre>' in page
