"""The journey questions of the analytics library (first_channel_to_purchase,
ticket_volume_by_stage) on small imported graphs whose every row is known, edge cases
included: ties, interactions without a channel, tickets on a span's boundary, before any
stage and of customers without one. tests/test_analytics.py checks them on the demo graph."""

from __future__ import annotations

from typing import Any

from graph.db import Graph
from graph.ingest.importer import import_records
from tests.test_analytics import answer


async def load(graph: Graph, lines: list[dict[str, Any]]) -> None:
    report = await import_records(graph, (("t", n, line) for n, line in enumerate(lines, 1)))
    assert report.ok, report


def interaction(
    key: str, customer: str, kind: str, at: str, channel: str | None = None
) -> dict[str, Any]:
    line = {"kind": "interaction", "id": key, "customerId": customer, "type": kind}
    line |= {"occurredAt": at} | ({"channel": channel} if channel else {})
    if kind in ("PURCHASE", "VIEW"):
        line |= {"productId": "P1", "amount": 10}
    return line


def stage(customer: str, name: str, since: str) -> dict[str, Any]:
    return {"kind": "stage", "customerId": customer, "stage": name, "since": since}


def customers(*ids: str) -> list[dict[str, Any]]:
    return [{"kind": "customer", "id": i, "name": f"客户{i}"} for i in ids]


PRODUCT = {"kind": "product", "id": "P1", "name": "茶"}


async def test_first_channel_to_purchase(graph: Graph) -> None:
    await load(graph, [
        *customers("k1", "k2", "k3", "k4", "k5"), PRODUCT,
        # k1: a view through the APP, a purchase 10 days later
        interaction("i1", "k1", "VIEW", "2025-01-01T00:00:00Z", "APP"),
        interaction("i2", "k1", "PURCHASE", "2025-01-11T00:00:00Z", "门店"),
        # k2: an email and a call at the same moment (the smaller id first), buys 3.5 days on
        interaction("i4", "k2", "CALL", "2025-01-01T00:00:00Z", "电话"),
        interaction("i3", "k2", "EMAIL", "2025-01-01T00:00:00Z", "邮件"),
        interaction("i5", "k2", "PURCHASE", "2025-01-04T12:00:00Z", "门店"),
        # k3: buys at once; k4: a ticket without a channel, no purchase; k5: nothing
        interaction("i6", "k3", "PURCHASE", "2025-02-01T00:00:00Z", "APP"),
        interaction("i7", "k4", "TICKET", "2025-03-01T00:00:00Z"),
    ])  # fmt: skip
    assert await answer(graph, "first_channel_to_purchase") == [
        {"channel": "APP", "customers": 2, "purchasers": 2, "conversionPct": 100.0,
         "medianDaysToPurchase": 5.0},
        {"channel": "", "customers": 1, "purchasers": 0, "conversionPct": 0.0,
         "medianDaysToPurchase": None},
        {"channel": "邮件", "customers": 1, "purchasers": 1, "conversionPct": 100.0,
         "medianDaysToPurchase": 3.5},
    ]  # fmt: skip
    assert await answer(graph, "first_channel_to_purchase", since="2025-01-15T00:00:00Z") == [
        {"channel": "", "customers": 1, "purchasers": 0, "conversionPct": 0.0,
         "medianDaysToPurchase": None},
        {"channel": "APP", "customers": 1, "purchasers": 1, "conversionPct": 100.0,
         "medianDaysToPurchase": 0.0},
    ]  # fmt: skip


async def test_ticket_volume_by_stage(graph: Graph) -> None:
    await load(graph, [
        *customers("m1", "m2", "m3"),
        stage("m1", "PROSPECT", "2025-01-01T00:00:00Z"),
        stage("m1", "NEW", "2025-01-11T00:00:00Z"),
        stage("m1", "ACTIVE", "2025-02-01T00:00:00Z"),
        stage("m2", "LOYAL", "2025-01-01T00:00:00Z"),
        interaction("t1", "m1", "TICKET", "2024-12-31T00:00:00Z"),  # before its first stage
        interaction("t2", "m1", "TICKET", "2025-01-11T00:00:00Z"),  # NEW began at that moment
        interaction("t3", "m1", "TICKET", "2025-01-20T00:00:00Z"),  # NEW
        interaction("t4", "m1", "TICKET", "2025-03-01T00:00:00Z"),  # ACTIVE, the current stage
        interaction("t5", "m3", "TICKET", "2025-03-01T00:00:00Z"),  # m3 has no stage
        interaction("t6", "m2", "TICKET", "2025-02-01T00:00:00Z"),  # LOYAL
        interaction("c1", "m2", "CALL", "2025-02-01T00:00:00Z"),  # not a ticket
    ])  # fmt: skip

    def row(stage_name: str | None, tickets: int, customers: int, share: float) -> dict[str, Any]:
        return {"stage": stage_name, "tickets": tickets, "customers": customers, "share": share}

    assert await answer(graph, "ticket_volume_by_stage") == [
        row("PROSPECT", 0, 0, 0.0),
        row("NEW", 2, 1, 0.3333),
        row("ACTIVE", 1, 1, 0.1667),
        row("LOYAL", 1, 1, 0.1667),
        row("AT_RISK", 0, 0, 0.0),
        row("DORMANT", 0, 0, 0.0),
        row("CHURNED", 0, 0, 0.0),
        row(None, 2, 2, 0.3333),
    ]
    assert await answer(graph, "ticket_volume_by_stage", since="2025-01-20T00:00:00Z") == [
        row("PROSPECT", 0, 0, 0.0),
        row("NEW", 1, 1, 0.25),
        row("ACTIVE", 1, 1, 0.25),
        row("LOYAL", 1, 1, 0.25),
        row("AT_RISK", 0, 0, 0.0),
        row("DORMANT", 0, 0, 0.0),
        row("CHURNED", 0, 0, 0.0),
        row(None, 1, 1, 0.25),
    ]
    # no ticket since: every stage at zero, and no row for "no stage"
    nothing = await answer(graph, "ticket_volume_by_stage", since="2025-06-01T00:00:00Z")
    assert [(r["stage"], r["tickets"], r["share"]) for r in nothing] == [
        (name, 0, 0.0)
        for name in ("PROSPECT", "NEW", "ACTIVE", "LOYAL", "AT_RISK", "DORMANT", "CHURNED")
    ]
