"""OpenTelemetry spans, when OTEL_EXPORTER_OTLP_ENDPOINT is set (operations.md).

One span a GraphQL request (the HTTP layer's), one a resolver that is not a plain property
(`ResolverSpans`, installed only while tracing), one a Cypher transaction (`graph.db`): named
by the operation, the field, the statement's file; never arguments, variables, parameters or
results, which may hold personal data. The exporter is OTLP over HTTP, configured by the
standard OTEL_* variables (endpoint, headers, service name, batch delays).

Without the endpoint nothing is imported and every `span()` is a null context: tracing costs
the requests nothing when it is off. The packages are the `otel` extra
(`pip install 'c360[otel]'`).
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from core.errors import ConfigurationError

_tracer: Any = None  # an opentelemetry Tracer once `configure` ran with an endpoint


def enabled() -> bool:
    return _tracer is not None


def configure() -> bool:
    """Start exporting spans when OTEL_EXPORTER_OTLP_ENDPOINT is set; True when it is."""
    global _tracer
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    if _tracer is not None:
        return True
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as e:
        raise ConfigurationError(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: "
            "install c360 with its otel extra (pip install 'c360[otel]')"
        ) from e
    service = os.environ.get("OTEL_SERVICE_NAME", "c360")
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _tracer = trace.get_tracer("c360")
    return True


_OFF = contextlib.nullcontext()


def span(
    name: str, kind: str = "INTERNAL", **attributes: str | int | float
) -> contextlib.AbstractContextManager[Any]:
    """A span around the block, entered as the span; while tracing is off, a shared null
    context (entered as None) that costs the hot path nothing more."""
    if _tracer is None:
        return _OFF
    from opentelemetry.trace import SpanKind

    manager: contextlib.AbstractContextManager[Any] = _tracer.start_as_current_span(
        name, kind=SpanKind[kind], attributes=attributes
    )
    return manager


def shutdown() -> None:
    """Flush the spans not yet exported (at the server's shutdown)."""
    if _tracer is None:
        return
    from opentelemetry import trace

    provider = trace.get_tracer_provider()
    if hasattr(provider, "shutdown"):
        provider.shutdown()
