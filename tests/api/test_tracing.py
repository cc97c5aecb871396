"""OpenTelemetry (operations.md, "Observability"): with OTEL_EXPORTER_OTLP_ENDPOINT set,
`c360 serve` exports a span a request, a resolver and a Cypher transaction over OTLP/HTTP,
named by operation, field and statement file, with no parameters or personal data in them.
The collector here is a small HTTP server that decodes what it receives."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from graph.db import Graph
from tests.conftest import serving
from tests.tokens import auth_header


class Collector(http.server.ThreadingHTTPServer):
    spans: list[Any]


class Receive(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        server: Any = self.server
        for resource in request.resource_spans:
            for scope in resource.scope_spans:
                server.spans.extend(scope.spans)
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector(("127.0.0.1", 0), Receive)
    server.spans = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()


def attributes(span: Any) -> dict[str, Any]:
    found = {}
    for attribute in span.attributes:
        value = attribute.value
        found[attribute.key] = getattr(value, value.WhichOneof("value"))
    return found


def test_spans_for_requests_resolvers_and_transactions(shop: Graph, collector: Collector) -> None:
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_address[1]}",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "C360_FAST_READS": "false",  # resolvers run, so their spans exist
    }
    with serving(env=env) as url:
        query = '{ customer(id: "c1") { name email tags { name } } }'
        answer = httpx2.post(f"{url}/graphql", json={"query": query}, headers=auth_header())
        assert answer.json()["data"]["customer"]["email"] == "alice@example.com"
        deadline = time.monotonic() + 15
        while not any(s.name.startswith("graphql") for s in collector.spans):
            assert time.monotonic() < deadline, [s.name for s in collector.spans]
            time.sleep(0.1)
    by_name = {span.name: span for span in collector.spans}
    request = by_name["graphql query customer"]
    assert request.kind == 2  # SERVER
    assert attributes(request)["c360.round_trips"] >= 1
    assert len(attributes(request)["c360.request_id"]) == 32
    resolver = by_name["resolve Query.customer"]
    assert resolver.trace_id == request.trace_id
    # the request's transactions, inside its trace (the event feed's have traces of their own)
    cypher = [
        s
        for s in collector.spans
        if s.name.startswith("cypher ") and s.trace_id == request.trace_id
    ]
    assert cypher and {attributes(s)["db.system"] for s in cypher} == {"neo4j"}
    assert {s.kind for s in cypher} == {3}  # CLIENT
    # no parameters, arguments, results: not c1's id, email or name anywhere
    text = repr([(s.name, attributes(s)) for s in collector.spans])
    # ('c1' quoted: bare, it turns up inside random hex request ids)
    for secret in ("alice@example.com", "Alice", "'c1'"):
        assert secret not in text
