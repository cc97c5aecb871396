"""What operators see of a running server (operations.md, "Observability"): Prometheus
metrics and one log line per request, JSON when C360_LOG_FORMAT asks for it.

Labels stay bounded whatever clients send: `operation` is the operation's type and first root
field ("query customer"), which the schema limits, never the client's operation name; `code`
is one of c360's error codes.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from graphql import GraphQLError
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

request_log = logging.getLogger("c360.request")
# Where worker processes keep their metrics for one another (prometheus-client's variable).
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


class Metrics:
    """One server's metrics, in a registry of its own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "c360_requests",
            "GraphQL requests, by operation (type and first root field) and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "c360_request_seconds",
            "Time to answer a GraphQL request, by operation.",
            ["operation"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.round_trips = Histogram(
            "c360_cypher_round_trips",
            "Cypher transactions one GraphQL request ran.",
            buckets=(0, 1, 2, 3, 5, 10, 20, 50, 100),
            registry=self.registry,
        )
        self.errors = Counter(
            "c360_errors", "Errors sent to clients, by code.", ["code"], registry=self.registry
        )
        # With several worker processes (PROMETHEUS_MULTIPROC_DIR, set by `c360 serve
        # --workers N`), a gauge combines the live processes' values like this.
        self.neo4j_up = Gauge(
            "c360_neo4j_up",
            "1 when Neo4j answered the last check, else 0.",
            registry=self.registry,
            multiprocess_mode="livemostrecent",
        )
        self.subscriptions = Gauge(
            "c360_subscriptions_active",
            "Subscriptions being served now.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def exposition(self) -> bytes:
        """The text a scrape gets: this process's metrics, or every worker's summed when the
        server runs several (prometheus-client's multiprocess mode)."""
        if not os.environ.get(MULTIPROCESS_DIR):
            return generate_latest(self.registry)
        everyone = CollectorRegistry()
        MultiProcessCollector(everyone)  # type: ignore[no-untyped-call]
        return generate_latest(everyone)


@dataclass
class RequestRecord:
    """What one request did, for its log line and the metrics."""

    request_id: str
    subject: str | None
    operation: str
    seconds: float
    round_trips: int
    error_codes: list[str]

    @property
    def outcome(self) -> str:
        return "error" if self.error_codes else "ok"

    def observed(self, metrics: Metrics) -> None:
        """Counted in the metrics and logged."""
        self.observe(metrics)
        self.log()

    def observe(self, metrics: Metrics) -> None:
        metrics.requests.labels(self.operation, self.outcome).inc()
        metrics.seconds.labels(self.operation).observe(self.seconds)
        metrics.round_trips.observe(self.round_trips)
        for code in self.error_codes:
            metrics.errors.labels(code).inc()

    def log(self) -> None:
        """One line a request: who, what, how long, how many round trips, which error. No
        arguments, variables or results (they may hold personal data)."""
        error = self.error_codes[0] if self.error_codes else None
        request_log.info(
            "%s %.1f ms, %d round trip%s%s",
            self.operation,
            self.seconds * 1000,
            self.round_trips,
            "" if self.round_trips == 1 else "s",
            f", {error}" if error else "",
            extra={
                "requestId": self.request_id,
                "subject": self.subject,
                "operation": self.operation,
                "durationMs": round(self.seconds * 1000, 2),
                "roundTrips": self.round_trips,
                "errorCode": error,
            },
        )


def error_codes(errors: Iterable[GraphQLError] | None) -> list[str]:
    """The `extensions.code` of each error sent (an uncoded one is internal)."""
    return [
        str((error.extensions or {}).get("code", "INTERNAL_SERVER_ERROR")) for error in errors or ()
    ]


LOG_FORMATS = ("auto", "text", "json")


def uses_json(log_format: str) -> bool:
    """`auto` (the default): JSON unless stderr is a terminal."""
    if log_format == "auto":
        return not sys.stderr.isatty()
    return log_format == "json"


def json_formatter() -> OrjsonFormatter:
    """`{"ts", "level", "name", "msg", ...extra}` one object a line (orjson: the request
    line is written for every request)."""
    return OrjsonFormatter(
        "{asctime}{levelname}{name}{message}",
        style="{",
        rename_fields={"asctime": "ts", "levelname": "level", "message": "msg"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        # uvicorn's copy of its message with terminal colour codes: noise in a JSON line
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
    )
