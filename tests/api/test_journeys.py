"""Journeys: Query.stageTransitions and Query.journey on stage histories whose every number
is known (imported, as a CRM's history arrives), their windows, definitions, errors, roles
and round trips; and docs/service.md's examples."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.settings import Settings
from graph.db import Graph, counting_round_trips
from graph.ingest.importer import import_records
from graph.ingest.seed import seed_graph
from graph.model import STAGE_ORDER
from tests.api.conftest import Api

TRANSITIONS = """
query ($from: DateTime, $to: DateTime) {
  stageTransitions(from: $from, to: $to) { from to customers medianDaysInFrom }
}
"""
JOURNEY = """
query ($d: SegmentDefinition) { journey(definition: $d) { stage customers medianDays } }
"""
SERVICE_DOC = (Path(__file__).resolve().parents[2] / "docs" / "service.md").read_text("utf-8")


def stage(customer: str, name: str, since: str) -> dict[str, Any]:
    return {"kind": "stage", "customerId": customer, "stage": name, "since": since}


# a1, a2, a3 start as PROSPECTs; a4 starts NEW and goes ACTIVE -> AT_RISK twice; a5 has no
# stage. a1 and a4 live in 上海, a2 holds VIP, a1 has a personal custom field.
LINES: list[dict[str, Any]] = [
    {"kind": "customer", "id": "a1", "name": "甲", "city": "上海", "wechat": "jia_wx"},
    {"kind": "customer", "id": "a2", "name": "乙", "city": "北京"},
    {"kind": "customer", "id": "a3", "name": "丙", "city": "北京"},
    {"kind": "customer", "id": "a4", "name": "丁", "city": "上海"},
    {"kind": "customer", "id": "a5", "name": "戊", "city": "上海"},
    {"kind": "tagAssignment", "customerId": "a2", "tag": "VIP"},
    stage("a1", "PROSPECT", "2025-01-01T00:00:00Z"),
    stage("a1", "NEW", "2025-01-11T00:00:00Z"),  # 10 days a PROSPECT
    stage("a1", "ACTIVE", "2025-02-10T00:00:00Z"),  # 30 days NEW
    stage("a2", "PROSPECT", "2025-01-01T00:00:00Z"),
    stage("a2", "NEW", "2025-01-21T00:00:00Z"),  # 20 days a PROSPECT
    stage("a2", "ACTIVE", "2025-03-22T00:00:00Z"),  # 60 days NEW
    stage("a3", "PROSPECT", "2025-02-01T00:00:00Z"),
    stage("a3", "NEW", "2025-03-03T12:00:00Z"),  # 30.5 days a PROSPECT
    stage("a4", "NEW", "2025-01-01T00:00:00Z"),
    stage("a4", "ACTIVE", "2025-01-05T00:00:00Z"),  # 4 days NEW
    stage("a4", "AT_RISK", "2025-04-05T00:00:00Z"),  # 90 days ACTIVE
    stage("a4", "ACTIVE", "2025-05-05T00:00:00Z"),  # 30 days AT_RISK
    stage("a4", "AT_RISK", "2025-06-04T00:00:00Z"),  # 30 days ACTIVE
]


@pytest.fixture
async def histories(graph: Graph) -> Graph:
    report = await import_records(graph, (("t", n, line) for n, line in enumerate(LINES, 1)))
    assert report.ok, report
    return graph


def move(source: str | None, target: str, customers: int, days: float | None) -> dict[str, Any]:
    return {"from": source, "to": target, "customers": customers, "medianDaysInFrom": days}


def step(stage_name: str, customers: int, days: float | None) -> dict[str, Any]:
    return {"stage": stage_name, "customers": customers, "medianDays": days}


async def transitions(api: Api, **window: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (await api(TRANSITIONS, **window))["stageTransitions"]
    return rows


async def journey(api: Api, definition: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = (await api(JOURNEY, d=definition))["journey"]
    return steps


async def test_every_move_by_customers_then_stage_order(api: Api, histories: Graph) -> None:
    assert await transitions(api) == [
        move(None, "PROSPECT", 3, None),
        move("PROSPECT", "NEW", 3, 20.0),  # 10, 20, 30.5
        move("NEW", "ACTIVE", 3, 30.0),  # 4, 30, 60
        move(None, "NEW", 1, None),
        # a4 made this move twice: one customer, the median of both stays (90 and 30)
        move("ACTIVE", "AT_RISK", 1, 60.0),
        move("AT_RISK", "ACTIVE", 1, 30.0),
    ]


async def test_a_window_holds_the_moves_entered_in_it(api: Api, histories: Graph) -> None:
    # from is inclusive (a1 entered NEW at it), to exclusive (a3 entered NEW at it)
    window = {"from": "2025-01-11T00:00:00Z", "to": "2025-03-03T12:00:00Z"}
    assert await transitions(api, **window) == [
        move("PROSPECT", "NEW", 2, 15.0),  # a1 (10) and a2 (20)
        move(None, "PROSPECT", 1, None),  # a3's first stage
        move("NEW", "ACTIVE", 1, 30.0),  # a1
    ]
    # an offset is the same moment in UTC
    shifted = {"from": "2025-01-11T08:00:00+08:00", "to": "2025-03-03T20:00:00+08:00"}
    assert await transitions(api, **shifted) == await transitions(api, **window)
    assert await transitions(api, **{"from": "2025-04-01T00:00:00Z"}) == [
        move("ACTIVE", "AT_RISK", 1, 60.0),
        move("AT_RISK", "ACTIVE", 1, 30.0),
    ]
    assert await transitions(api, to="2025-01-05T00:00:00Z") == [
        move(None, "PROSPECT", 2, None),
        move(None, "NEW", 1, None),
    ]
    empty = {"from": "2025-03-01T00:00:00Z", "to": "2025-03-01T00:00:00Z"}
    assert await transitions(api, **empty) == []


async def test_moves_made_through_the_api_count(api: Api, histories: Graph) -> None:
    """setStage closes the current span and opens one now: a move like any other, with the
    exact days from the spans Customer.stageHistory shows."""
    before = datetime.now(UTC).isoformat()
    await api('mutation { setStage(customerId: "a3", stage: ACTIVE) { id } }')
    history = (await api('{ customer(id: "a3") { stageHistory { stage from to } } }'))["customer"][
        "stageHistory"
    ]
    assert [span["stage"] for span in history] == ["PROSPECT", "NEW", "ACTIVE"]
    entered = datetime.fromisoformat(history[2]["from"])
    days = (entered - datetime(2025, 3, 3, 12, tzinfo=UTC)).total_seconds() // 1 / 86400
    assert await transitions(api, **{"from": before}) == [move("NEW", "ACTIVE", 1, days)]


async def test_to_before_from_is_bad_user_input(api: Api, histories: Graph) -> None:
    error = await api.error(
        TRANSITIONS, **{"from": "2025-02-01T00:00:00Z", "to": "2025-01-31T23:59:59Z"}
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}
    assert error["message"] == "to: must not be before from (2025-02-01T00:00:00Z)"
    error = await api.error(TRANSITIONS, to="yesterday")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$to" in error["message"]


async def test_journey_of_everyone_in_stage_order(api: Api, histories: Graph) -> None:
    assert await journey(api) == [
        step("PROSPECT", 3, 0.0),
        step("NEW", 4, 15.0),  # a4 started there (0), a1 10, a2 20, a3 30.5
        step("ACTIVE", 3, 40.0),  # a4 4 (its first entry), a1 40, a2 80
        step("LOYAL", 0, None),
        step("AT_RISK", 1, 94.0),  # a4's first entry, 94 days after it started
        step("DORMANT", 0, None),
        step("CHURNED", 0, None),
    ]
    assert await journey(api, None) == await journey(api)


async def test_journey_of_a_definition(api: Api, histories: Graph) -> None:
    assert await journey(api, {"cities": ["上海"]}) == [  # a1, a4 (a5 has no stage)
        step("PROSPECT", 1, 0.0),
        step("NEW", 2, 5.0),
        step("ACTIVE", 2, 22.0),
        step("LOYAL", 0, None),
        step("AT_RISK", 1, 94.0),
        step("DORMANT", 0, None),
        step("CHURNED", 0, None),
    ]
    assert await journey(api, {"stages": ["NEW"]}) == [  # a3, NEW now
        step("PROSPECT", 1, 0.0),
        step("NEW", 1, 30.5),
        *(step(name, 0, None) for name in ("ACTIVE", "LOYAL", "AT_RISK", "DORMANT", "CHURNED")),
    ]
    vip = await journey(api, {"anyTags": ["VIP"]})  # a2
    assert vip[:3] == [step("PROSPECT", 1, 0.0), step("NEW", 1, 20.0), step("ACTIVE", 1, 80.0)]
    assert [s["customers"] for s in vip[3:]] == [0, 0, 0, 0]
    nobody = await journey(api, {"cities": ["拉萨"]})
    assert nobody == [step(s["stage"], 0, None) for s in nobody] and len(nobody) == 7


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        ({"anyTags": ["没有这个标签"]}, "definition.anyTags"),
        ({"anyTags": []}, "definition.anyTags"),
        ({"minAge": 50, "maxAge": 20}, "definition.maxAge"),
        ({"or": [{"cities": ["上海"]}, {"withinDays": 30}]}, "definition.or[1].withinDays"),
    ],
)
async def test_an_invalid_definition_is_bad_user_input(
    api: Api, histories: Graph, definition: dict[str, Any], field: str
) -> None:
    error = await api.error(JOURNEY, d=definition)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["path"] == ["journey"]


@pytest.fixture
def personal(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "personal_fields", "wechat")


async def test_roles(api: Api, histories: Graph, personal: None) -> None:
    """Every role reads journeys; masked roles cannot filter them on personal fields (nor
    can anyone without a token)."""
    everyone = await transitions(api)
    wechat = {"fields": [{"key": "wechat", "equals": "jia_wx"}]}
    for role in ("admin", "marketer", "sales", "analyst", "viewer"):
        assert await transitions(api.as_role(role)) == everyone, role
        assert (await journey(api.as_role(role), {"cities": ["上海"]}))[1] == step("NEW", 2, 5.0)
    for role in ("admin", "marketer", "sales"):
        assert (await journey(api.as_role(role), wechat))[2] == step("ACTIVE", 1, 40.0)
    for role in ("analyst", "viewer"):
        refused = await api.as_role(role).error(JOURNEY, d=wechat)
        assert refused["extensions"] == {"code": "FORBIDDEN", "field": "definition.fields[0]"}
        # ages hold as of today for them, as in segments: allowed
        assert await journey(api.as_role(role), {"maxAge": 200}) == [
            step(name, 0, None) for name in ("PROSPECT", "NEW", "ACTIVE", "LOYAL", "AT_RISK",
                                              "DORMANT", "CHURNED")
        ]  # fmt: skip
    for document in ("{ stageTransitions { to } }", "{ journey { stage } }"):
        anonymous = await api.as_role().error(document)
        assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
        unknown = await api.as_role("intern").error(document)
        assert unknown["extensions"]["code"] == "FORBIDDEN"


async def test_round_trips_do_not_grow_with_customers(api: Api, histories: Graph) -> None:
    async def trips(document: str, **variables: Any) -> int:
        with counting_round_trips() as counter:
            await api(document, **variables)
        return counter.count

    asks: list[tuple[str, dict[str, Any]]] = [
        (TRANSITIONS, {"from": "2025-01-01T00:00:00Z"}),
        (JOURNEY, {}),
        (JOURNEY, {"d": {"cities": ["上海"]}}),
        (JOURNEY, {"d": {"anyTags": ["VIP"]}}),  # the tag checked first, as segments do
    ]
    small = [await trips(document, **variables) for document, variables in asks]
    assert small == [1, 1, 1, 2]
    more = [
        line
        for n in range(40)
        for line in (
            {"kind": "customer", "id": f"b{n}", "name": f"客户{n}", "city": "上海"},
            {"kind": "tagAssignment", "customerId": f"b{n}", "tag": "VIP"},
            stage(f"b{n}", "PROSPECT", "2025-01-01T00:00:00Z"),
            stage(f"b{n}", "NEW", "2025-01-02T00:00:00Z"),
        )
    ]
    report = await import_records(histories, (("t", n, line) for n, line in enumerate(more, 1)))
    assert report.ok, report
    assert [await trips(document, **variables) for document, variables in asks] == small
    assert (await journey(api, {"anyTags": ["VIP"]}))[1] == step("NEW", 41, 1.0)


async def test_the_documented_examples_run(api: Api, graph: Graph) -> None:
    """docs/service.md's Journeys examples, on a small demo graph."""
    report = await seed_graph(graph, customers=100, seed=42)
    assert report.ok
    examples = re.findall(r"```graphql\n(.*?)```", SERVICE_DOC.split("## Journeys")[1], re.DOTALL)
    assert len(examples) == 2
    moves, high_value = [await api(example) for example in examples]
    assert moves["stageTransitions"] and all(m["customers"] > 0 for m in moves["stageTransitions"])
    steps = high_value["journey"]
    assert [s["stage"] for s in steps] == list(STAGE_ORDER) and steps[1]["customers"] > 0
