"""The analytics library (cypher/analytics/) on seeded demo data, each answer checked.

The demo graph (`c360 seed`'s code path, 300 customers) is loaded once for this module. Every
expected answer is computed here in Python from facts fetched with plain, simple Cypher (one
MATCH per kind of thing, no aggregation), never from the library's own queries, and compared
row by row: counts, ids and names exactly; rounded numbers within half their rounding unit.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph.analytics.library import documented_params_match, library, library_query
from graph.analytics.read_only import run_read_only
from graph.db import Graph
from graph.ingest.seed import REFERENCE_TIME, seed_graph
from graph.segments import export, parse_definition, saved, snapshots
from tests.conftest import wipe

CUSTOMERS = 300
STAGES = ("PROSPECT", "NEW", "ACTIVE", "LOYAL", "AT_RISK", "DORMANT", "CHURNED")
TIERS = ("高价值客户", "中等价值客户", "低价值客户", "无消费")
AS_OF = REFERENCE_TIME.isoformat()  # the seed's "now"


def native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


@dataclass
class Facts:
    """The seeded graph as plain Python, from simple Cypher."""

    customers: dict[str, dict[str, Any]]  # id -> name, city, source, createdAt
    interactions: list[dict[str, Any]]  # id, customer, type, channel, at, amount, product
    products: dict[str, str]  # id -> name
    tags: dict[str, dict[str, Any]]  # name -> category, parent
    holds: list[tuple[str, str, datetime]]  # customer id, tag name, assignedAt
    stays: list[tuple[str, str, datetime, datetime | None]]  # customer, stage, start, end

    @property
    def purchases(self) -> list[dict[str, Any]]:
        return [i for i in self.interactions if i["type"] == "PURCHASE"]


async def fetch(graph: Graph, text: str) -> list[dict[str, Any]]:
    rows = await graph.run_text("tests/analytics_facts", text)
    return [{key: native(value) for key, value in row.items()} for row in rows]


async def fetch_holds(graph: Graph) -> list[tuple[str, str, datetime]]:
    rows = await fetch(
        graph,
        "MATCH (c:Customer)-[r:HAS_TAG]->(t:Tag) RETURN c.id AS c, t.name AS t, r.assignedAt AS at",
    )
    return [(r["c"], r["t"], r["at"]) for r in rows]


async def fetch_facts(graph: Graph) -> Facts:
    customers = await fetch(
        graph,
        "MATCH (c:Customer) RETURN c.id AS id, c.name AS name, c.city AS city, "
        "c.source AS source, c.createdAt AS createdAt",
    )
    interactions = await fetch(
        graph,
        "MATCH (c:Customer)-[:HAD]->(i:Interaction) OPTIONAL MATCH (i)-[:ABOUT]->(p:Product) "
        "RETURN i.id AS id, c.id AS customer, i.type AS type, i.channel AS channel, "
        "i.occurredAt AS at, "
        "i.amount AS amount, p.id AS product",
    )
    products = await fetch(graph, "MATCH (p:Product) RETURN p.id AS id, p.name AS name")
    tags = await fetch(
        graph,
        "MATCH (t:Tag) OPTIONAL MATCH (t)-[:CHILD_OF]->(p:Tag) "
        "RETURN t.name AS name, t.category AS category, p.name AS parent",
    )
    was = await fetch(
        graph,
        "MATCH (c:Customer)-[r:WAS_IN_STAGE]->(s:LifecycleStage) "
        "RETURN c.id AS c, s.name AS s, r.from AS start, r.to AS end",
    )
    now = await fetch(
        graph,
        "MATCH (c:Customer)-[r:IN_STAGE]->(s:LifecycleStage) "
        "RETURN c.id AS c, s.name AS s, r.since AS start",
    )
    return Facts(
        customers={c["id"]: c for c in customers},
        interactions=interactions,
        products={p["id"]: p["name"] for p in products},
        tags={t["name"]: t for t in tags},
        holds=await fetch_holds(graph),
        stays=[(r["c"], r["s"], r["start"], r["end"]) for r in was]
        + [(r["c"], r["s"], r["start"], None) for r in now],
    )


@pytest.fixture(scope="module")
async def seeded(session_graph: Graph) -> Graph:
    """The demo graph, seeded once for the module (tests here never wipe it)."""
    await wipe(session_graph)
    report = await seed_graph(session_graph, customers=CUSTOMERS, seed=7)
    assert report.ok, report.rejections[:5]
    return session_graph


@pytest.fixture(scope="module")
async def facts(seeded: Graph) -> Facts:
    return await fetch_facts(seeded)


async def answer(graph: Graph, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a library query as `c360 cypher --analytics` does; columns must be as documented."""
    query = library_query(name)
    result = await run_read_only(graph, query.text, query.params(params))
    assert result.columns == [c.name for c in query.columns], name
    return [
        {key: native(value) for key, value in zip(result.columns, row, strict=True)}
        for row in result.rows
    ]


def assert_rows(
    actual: list[dict[str, Any]],
    expected: list[dict[str, Any]],
    rounded: dict[str, int] | None = None,
) -> None:
    """Equal row by row; a column in `rounded` (name -> decimals) within half a unit."""
    rounded = rounded or {}
    assert len(actual) == len(expected), (len(actual), len(expected), actual[:3], expected[:3])
    for got, want in zip(actual, expected, strict=True):
        assert got.keys() == want.keys()
        for key, value in want.items():
            if key in rounded and value is not None and got[key] is not None:
                assert abs(got[key] - value) <= 0.5 * 10 ** -rounded[key] + 1e-9, (key, got, want)
            else:
                assert got[key] == value, (key, got, want)


def spend_of(facts: Facts, upto: datetime | None = None) -> dict[str, tuple[int, float]]:
    """Customer id -> (purchases, spend) for every customer (0, 0.0 without purchases)."""
    out = {cid: (0, 0.0) for cid in facts.customers}
    for p in facts.purchases:
        if upto is None or p["at"] <= upto:
            n, total = out[p["customer"]]
            out[p["customer"]] = (n + 1, total + (p["amount"] or 0.0))
    return out


def month_index(moment: datetime) -> int:
    moment = moment.astimezone(UTC)
    return moment.year * 12 + moment.month - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def held_by(holds: Iterable[tuple[str, str, datetime]]) -> dict[str, set[str]]:
    tags: dict[str, set[str]] = defaultdict(set)
    for customer, tag, _ in holds:
        tags[customer].add(tag)
    return tags


# -- the library itself ---------------------------------------------------------------------


def test_every_library_query_is_documented() -> None:
    queries = library()
    assert len(queries) >= 10
    for name, query in queries.items():
        assert query.text.startswith("//"), name
        assert query.question.endswith((".", "?")) and "?" in query.question, name
        assert query.columns and all(c.description for c in query.columns), name
        assert all(p.description for p in query.parameters), name


def test_documented_parameters_are_exactly_the_ones_used() -> None:
    assert [name for name, q in library().items() if not documented_params_match(q)] == []


# -- tags -----------------------------------------------------------------------------------


async def test_tag_distribution(seeded: Graph, facts: Facts) -> None:
    holders = Counter(tag for _, tag, _ in facts.holds)
    total = len(facts.customers)

    def expected(category: str | None) -> list[dict[str, Any]]:
        rows = [
            {
                "category": t["category"] or "",
                "tag": name,
                "parent": t["parent"],
                "holders": holders[name],
                "share": holders[name] / total,
            }
            for name, t in facts.tags.items()
            if category is None or t["category"] == category
        ]
        return sorted(rows, key=lambda r: (r["category"], -r["holders"], r["tag"]))

    everything = expected(None)
    assert len(everything) == len(facts.tags) and sum(r["holders"] for r in everything) > 0
    assert_rows(await answer(seeded, "tag_distribution"), everything, {"share": 4})
    tiers = expected("价值分层")
    assert {r["tag"] for r in tiers} == {"价值分层", "高价值客户", "中等价值客户", "低价值客户"}
    assert_rows(await answer(seeded, "tag_distribution", category="价值分层"), tiers, {"share": 4})


async def test_tag_coverage(seeded: Graph, facts: Facts) -> None:
    by_category: dict[str, set[str]] = defaultdict(set)
    for name, t in facts.tags.items():
        by_category[t["category"] or ""].add(name)
    holders: dict[str, set[str]] = defaultdict(set)
    for customer, tag, _ in facts.holds:
        holders[tag].add(customer)
    total = len(facts.customers)
    expected = []
    for category in sorted(by_category):
        tagged = set().union(*(holders[t] for t in by_category[category]))
        expected.append(
            {
                "category": category,
                "tags": len(by_category[category]),
                "customersTagged": len(tagged),
                "customers": total,
                "coverage": len(tagged) / total,
            }
        )
    assert len(expected) >= 5 and any(r["customersTagged"] < total for r in expected)
    assert_rows(await answer(seeded, "tag_coverage"), expected, {"coverage": 4})


async def test_conflicting_tags(seeded: Graph, facts: Facts) -> None:
    parents = ["年龄段", "性别", "地域", "价值分层", "渠道来源"]
    pairs = [["个人客户", "企业客户"], ["活跃客户", "休眠客户"]]
    # The generator never contradicts itself; give four customers contradictions by hand
    # (source 'TEST', removed afterwards so the other tests see the seeded graph).
    injected = [
        ("C0000001", "55岁及以上"),
        ("C0000001", "18-24岁"),
        ("C0000002", "男"),
        ("C0000002", "女"),
        ("C0000003", "个人客户"),
        ("C0000003", "企业客户"),
        ("C0000004", "活跃客户"),
        ("C0000004", "休眠客户"),
        ("C0000005", "华东"),
        ("C0000005", "西北"),
    ]
    add = (
        "UNWIND $rows AS row MATCH (c:Customer {id: row[0]}), (t:Tag {name: row[1]}) "
        "MERGE (c)-[r:HAS_TAG]->(t) ON CREATE SET r.source = 'TEST', r.assignedAt = datetime()"
    )
    await seeded.run_text("tests/inject_conflicts", add, write=True, rows=injected)
    try:
        holds = held_by(await fetch_holds(seeded))
        children: dict[str, set[str]] = defaultdict(set)
        for name, t in facts.tags.items():
            if t["parent"]:
                children[t["parent"]].add(name)
        expected = []
        for customer, tags in holds.items():
            name = facts.customers[customer]["name"]
            for parent in parents:
                clash = sorted(tags & children[parent])
                if len(clash) > 1:
                    expected.append(
                        {"id": customer, "name": name, "conflict": parent, "tags": clash}
                    )
            for a, b in pairs:
                if {a, b} <= tags:
                    expected.append(
                        {
                            "id": customer,
                            "name": name,
                            "conflict": f"{a} / {b}",
                            "tags": sorted([a, b]),
                        }
                    )
        expected.sort(key=lambda r: (r["id"], r["conflict"]))
        assert {r["id"] for r in expected} >= {f"C000000{n}" for n in range(1, 6)}
        assert_rows(await answer(seeded, "conflicting_tags"), expected)
        only_gender = [r for r in expected if r["conflict"] == "性别"]
        assert only_gender
        got = await answer(seeded, "conflicting_tags", exclusiveParents=["性别"], exclusivePairs=[])
        assert_rows(got, only_gender)
    finally:
        await seeded.run_text(
            "tests/remove_conflicts",
            "MATCH (:Customer)-[r:HAS_TAG {source: 'TEST'}]->(:Tag) DELETE r",
            write=True,
        )
    assert sorted(await fetch_holds(seeded)) == sorted(facts.holds)


async def test_segment_growth(seeded: Graph, facts: Facts) -> None:
    def expected(root: str) -> list[dict[str, Any]]:
        below = {root}
        while True:
            more = {n for n, t in facts.tags.items() if t["parent"] in below} - below
            if not more:
                break
            below |= more
        joined_at: dict[str, datetime] = {}
        for customer, tag, at in facts.holds:
            if tag in below:
                joined_at[customer] = min(at, joined_at.get(customer, at))
        per_month = Counter(month_index(at) for at in joined_at.values())
        if not per_month:
            return []
        rows, members = [], 0
        for m in range(min(per_month), max(per_month) + 1):
            members += per_month[m]
            rows.append({"month": month_text(m), "joined": per_month[m], "members": members})
        return rows

    high = expected("高价值客户")
    assert len(high) > 12 and high[-1]["members"] > 10
    assert_rows(await answer(seeded, "segment_growth"), high)
    tiers = expected("价值分层")  # the parent: every tier below it counts
    assert tiers[-1]["members"] > high[-1]["members"]
    assert_rows(await answer(seeded, "segment_growth", tag="价值分层"), tiers)
    assert await answer(seeded, "segment_growth", tag="没有这个标签") == []


# -- value and behaviour ----------------------------------------------------------------------


async def test_value_tiers(seeded: Graph, facts: Facts) -> None:
    holds = held_by(facts.holds)
    members: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for customer, (n, spend) in spend_of(facts).items():
        tier = (
            "无消费"
            if n == 0
            else "高价值客户"
            if spend >= 20000
            else "中等价值客户"
            if spend >= 3000
            else "低价值客户"
        )
        members[tier].append((customer, spend))
    expected = []
    for tier in TIERS:
        if not members[tier]:
            continue
        spends = [s for _, s in members[tier]]
        tagged = sum(tier in holds[c] for c, _ in members[tier])
        expected.append(
            {
                "tier": tier,
                "customers": len(spends),
                "tagged": None if tier == "无消费" else tagged,
                "spend": sum(spends),
                "avgSpend": sum(spends) / len(spends),
                "minSpend": min(spends),
                "maxSpend": max(spends),
            }
        )
    assert len(expected) == 4
    money = dict.fromkeys(("spend", "avgSpend", "minSpend", "maxSpend"), 2)
    assert_rows(await answer(seeded, "value_tiers"), expected, money)
    # Other thresholds move customers between tiers (and away from their tags).
    got = await answer(seeded, "value_tiers", highFrom=50000, middleFrom=10000)
    spends = spend_of(facts)
    high = sum(1 for n, s in spends.values() if n and s >= 50000)
    assert got[0]["tier"] == "高价值客户" and got[0]["customers"] == high < expected[0]["customers"]


async def test_dormant_high_value(seeded: Graph, facts: Facts) -> None:
    def expected(as_of: datetime, min_spend: float, days: int, limit: int) -> list[dict[str, Any]]:
        stage = {c: s for c, s, _, end in facts.stays if end is None}
        last: dict[str, datetime] = {}
        for p in facts.purchases:
            if p["at"] <= as_of:
                last[p["customer"]] = max(p["at"], last.get(p["customer"], p["at"]))
        rows = []
        for customer, (n, spend) in spend_of(facts, upto=as_of).items():
            if n and spend >= min_spend and last[customer] < as_of - timedelta(days=days):
                c = facts.customers[customer]
                rows.append(
                    {
                        "id": customer,
                        "name": c["name"],
                        "city": c["city"],
                        "stage": stage.get(customer),
                        "spend": spend,
                        "purchases": n,
                        "lastPurchase": last[customer],
                        "daysSince": (as_of - last[customer]).days,
                    }
                )
        rows.sort(key=lambda r: (-round(r["spend"], 2), r["id"]))
        return rows[:limit]

    default = expected(REFERENCE_TIME, 20000, 180, 100)
    assert len(default) >= 5
    assert_rows(await answer(seeded, "dormant_high_value", asOf=AS_OF), default, {"spend": 2})
    earlier = datetime(2025, 6, 1, tzinfo=UTC)  # purchases after it are not counted
    strict = expected(earlier, 10000, 365, 5)
    assert strict and strict != default[:5]
    got = await answer(
        seeded, "dormant_high_value", asOf=earlier.isoformat(), minSpend=10000, days=365, limit=5
    )
    assert_rows(got, strict, {"spend": 2})


async def test_co_purchase_pairs(seeded: Graph, facts: Facts) -> None:
    bought: dict[str, set[str]] = defaultdict(set)
    for p in facts.purchases:
        bought[p["customer"]].add(p["product"])
    pairs: Counter[tuple[str, str]] = Counter()
    for products in bought.values():
        ordered = sorted(products)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs[(a, b)] += 1

    def expected(min_customers: int, limit: int) -> list[dict[str, Any]]:
        rows = sorted(
            ((n, a, b) for (a, b), n in pairs.items() if n >= min_customers),
            key=lambda r: (-r[0], r[1], r[2]),
        )
        return [
            {
                "productA": facts.products[a],
                "productB": facts.products[b],
                "idA": a,
                "idB": b,
                "customers": n,
            }
            for n, a, b in rows[:limit]
        ]

    top = expected(2, 20)
    assert len(top) == 20 and top[0]["customers"] > top[-1]["customers"] >= 2
    assert_rows(await answer(seeded, "co_purchase_pairs"), top)
    assert_rows(
        await answer(seeded, "co_purchase_pairs", minCustomers=5, limit=500), expected(5, 500)
    )


async def test_cohort_retention(seeded: Graph, facts: Facts) -> None:
    months: dict[str, set[int]] = defaultdict(set)
    first: dict[str, datetime] = {}
    for p in facts.purchases:
        months[p["customer"]].add(month_index(p["at"]))
        first[p["customer"]] = min(p["at"], first.get(p["customer"], p["at"]))
    cohorts: dict[int, list[str]] = defaultdict(list)
    for customer, at in first.items():
        cohorts[month_index(at)].append(customer)

    def expected(since: str | None) -> list[dict[str, Any]]:
        rows = []
        for cohort in sorted(cohorts):
            if since is not None and month_text(cohort) < since:
                continue
            row: dict[str, Any] = {"cohort": month_text(cohort), "customers": len(cohorts[cohort])}
            for k in (1, 2, 3, 6, 12):
                row[f"month{k}"] = sum(cohort + k in months[c] for c in cohorts[cohort])
            rows.append(row)
        return rows

    every = expected(None)
    assert sum(r["customers"] for r in every) == len(first) and sum(r["month1"] for r in every) > 0
    assert_rows(await answer(seeded, "cohort_retention"), every)
    recent = expected("2025-06")
    assert 0 < len(recent) < len(every)
    assert_rows(await answer(seeded, "cohort_retention", **{"from": "2025-06"}), recent)


# -- channels --------------------------------------------------------------------------------


async def test_channel_mix(seeded: Graph, facts: Facts) -> None:
    def expected(start: datetime | None, end: datetime | None) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        customers: dict[str, set[str]] = defaultdict(set)
        for i in facts.interactions:
            if (start and i["at"] < start) or (end and i["at"] >= end):
                continue
            channel = i["channel"] or ""
            row = rows.setdefault(channel, {"interactions": 0, "purchases": 0, "revenue": 0.0})
            row["interactions"] += 1
            customers[channel].add(i["customer"])
            if i["type"] == "PURCHASE":
                row["purchases"] += 1
                row["revenue"] += i["amount"] or 0.0
        total = sum(r["revenue"] for r in rows.values())
        out = [
            {
                "channel": channel,
                "interactions": r["interactions"],
                "customers": len(customers[channel]),
                "purchases": r["purchases"],
                "revenue": r["revenue"],
                "revenueShare": r["revenue"] / total if total else 0.0,
            }
            for channel, r in rows.items()
        ]
        return sorted(out, key=lambda r: (-r["interactions"], r["channel"]))

    every = expected(None, None)
    assert len(every) >= 8 and sum(r["purchases"] for r in every) == len(facts.purchases)
    rounded = {"revenue": 2, "revenueShare": 4}
    assert_rows(await answer(seeded, "channel_mix"), every, rounded)
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
    window = expected(start, end)
    assert window != every and sum(r["interactions"] for r in window) > 0
    got = await answer(
        seeded, "channel_mix", **{"from": "2026-01-01T00:00:00Z", "to": "2026-07-01"}
    )
    assert_rows(got, window, rounded)


async def test_acquisition_channels(seeded: Graph, facts: Facts) -> None:
    spends = spend_of(facts)

    def expected(created_from: datetime | None) -> list[dict[str, Any]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for cid, c in facts.customers.items():
            if created_from is None or c["createdAt"] >= created_from:
                groups[c["source"] or ""].append(cid)
        rows = []
        for source, members in groups.items():
            buyers = [c for c in members if spends[c][0] > 0]
            revenue = sum(spends[c][1] for c in members)
            rows.append(
                {
                    "source": source,
                    "customers": len(members),
                    "buyers": len(buyers),
                    "conversion": len(buyers) / len(members),
                    "revenue": revenue,
                    "revenuePerBuyer": revenue / len(buyers) if buyers else None,
                }
            )
        return sorted(rows, key=lambda r: (-r["customers"], r["source"]))

    rounded = {"conversion": 4, "revenue": 2, "revenuePerBuyer": 2}
    every = expected(None)
    assert len(every) == 6 and any(r["buyers"] < r["customers"] for r in every)
    assert_rows(await answer(seeded, "acquisition_channels"), every, rounded)
    recent = expected(datetime(2025, 1, 1, tzinfo=UTC))
    assert sum(r["customers"] for r in recent) < len(facts.customers)
    got = await answer(seeded, "acquisition_channels", createdFrom="2025-01-01T00:00:00Z")
    assert_rows(got, recent, rounded)


# -- lifecycle -------------------------------------------------------------------------------


async def test_lifecycle_transitions(seeded: Graph, facts: Facts) -> None:
    history: dict[str, list[tuple[datetime, str, datetime | None]]] = defaultdict(list)
    for customer, stage, start, end in facts.stays:
        history[customer].append((start, stage, end))

    def expected(since: datetime | None) -> list[dict[str, Any]]:
        moves: Counter[tuple[str, str]] = Counter()
        for stays in history.values():
            stays.sort()
            for (_, left, end), (_, entered, _) in itertools.pairwise(stays):
                assert end is not None
                if since is None or end >= since:
                    moves[(left, entered)] += 1
        rows = []
        for left in STAGES:
            row: dict[str, Any] = {"fromStage": left}
            row |= {entered: moves[(left, entered)] for entered in STAGES}
            row["total"] = sum(moves[(left, entered)] for entered in STAGES)
            rows.append(row)
        return rows

    every = expected(None)
    assert sum(r["total"] for r in every) == sum(1 for *_, end in facts.stays if end)
    assert every[0]["NEW"] > 0 and every[2]["LOYAL"] > 0
    assert_rows(await answer(seeded, "lifecycle_transitions"), every)
    recent = expected(datetime(2026, 1, 1, tzinfo=UTC))
    assert 0 < sum(r["total"] for r in recent) < sum(r["total"] for r in every)
    assert_rows(await answer(seeded, "lifecycle_transitions", since="2026-01-01T00:00:00Z"), recent)


async def test_stage_durations(seeded: Graph, facts: Facts) -> None:
    def expected(as_of: datetime) -> list[dict[str, Any]]:
        rows = []
        for stage in STAGES:
            closed = sorted(
                (end - start).days for _, s, start, end in facts.stays if s == stage and end
            )
            current = [
                (as_of - start).days
                for _, s, start, end in facts.stays
                if s == stage and not end and start <= as_of
            ]
            rows.append(
                {
                    "stage": stage,
                    "closedStays": len(closed),
                    "avgDays": sum(closed) / len(closed) if closed else None,
                    "medianDays": closed[math.ceil(len(closed) / 2) - 1] if closed else None,
                    "maxDays": max(closed) if closed else None,
                    "current": len(current),
                    "currentAvgDays": sum(current) / len(current) if current else None,
                }
            )
        return rows

    rows = expected(REFERENCE_TIME)
    # The seed starts a few stays after its REFERENCE_TIME: those are left out.
    assert len(facts.customers) - 5 <= sum(r["current"] for r in rows) <= len(facts.customers)
    assert rows[0]["closedStays"] > 0 and rows[0]["medianDays"] != rows[0]["maxDays"]
    rounded = {"avgDays": 1, "currentAvgDays": 1}
    assert_rows(await answer(seeded, "stage_durations", asOf=AS_OF), rows, rounded)
    later = REFERENCE_TIME + timedelta(days=400)
    got = await answer(seeded, "stage_durations", asOf=later.isoformat())
    assert_rows(got, expected(later), rounded)


async def test_first_channel_to_purchase(seeded: Graph, facts: Facts) -> None:
    first: dict[str, dict[str, Any]] = {}
    for i in facts.interactions:
        if i["customer"] not in first or (i["at"], i["id"]) < (
            first[i["customer"]]["at"],
            first[i["customer"]]["id"],
        ):
            first[i["customer"]] = i
    bought: dict[str, datetime] = {}
    for p in facts.purchases:
        bought[p["customer"]] = min(p["at"], bought.get(p["customer"], p["at"]))

    def expected(since: datetime | None) -> list[dict[str, Any]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for customer, i in first.items():
            if since is None or i["at"] >= since:
                groups[i["channel"] or ""].append(customer)
        rows = []
        for channel, members in groups.items():
            waits = [
                (bought[c] - first[c]["at"]).total_seconds() // 1 / 86400
                for c in members
                if c in bought
            ]
            rows.append(
                {
                    "channel": channel,
                    "customers": len(members),
                    "purchasers": len(waits),
                    "conversionPct": 100 * len(waits) / len(members),
                    "medianDaysToPurchase": statistics.median(waits) if waits else None,
                }
            )
        return sorted(rows, key=lambda r: (-r["customers"], r["channel"]))

    rounded = {"conversionPct": 1, "medianDaysToPurchase": 1}
    every = expected(None)
    assert sum(r["customers"] for r in every) == len(first) and len(every) >= 5
    assert any(r["purchasers"] < r["customers"] for r in every)
    assert_rows(await answer(seeded, "first_channel_to_purchase"), every, rounded)
    recent = expected(datetime(2025, 1, 1, tzinfo=UTC))
    assert 0 < sum(r["customers"] for r in recent) < len(first)
    got = await answer(seeded, "first_channel_to_purchase", since="2025-01-01T00:00:00Z")
    assert_rows(got, recent, rounded)


async def test_ticket_volume_by_stage(seeded: Graph, facts: Facts) -> None:
    def stage_at(customer: str, at: datetime) -> str | None:
        holding = [
            (start, stage)
            for c, stage, start, end in facts.stays
            if c == customer and start <= at and (end is None or at < end)
        ]
        return max(holding)[1] if holding else None

    tickets = [
        (i["customer"], i["at"], stage_at(i["customer"], i["at"]))
        for i in facts.interactions
        if i["type"] == "TICKET"
    ]

    def expected(since: datetime | None) -> list[dict[str, Any]]:
        counted = [(c, stage) for c, at, stage in tickets if since is None or at >= since]
        rows = []
        for stage in [*STAGES, None]:
            mine = [c for c, s in counted if s == stage]
            if stage is None and not mine:
                continue
            rows.append(
                {
                    "stage": stage,
                    "tickets": len(mine),
                    "customers": len(set(mine)),
                    "share": len(mine) / len(counted) if counted else 0.0,
                }
            )
        return rows

    every = expected(None)
    assert sum(r["tickets"] for r in every) == len(tickets) > 20
    assert sum(1 for r in every if r["tickets"]) >= 3
    assert_rows(await answer(seeded, "ticket_volume_by_stage"), every, {"share": 4})
    recent = expected(datetime(2026, 1, 1, tzinfo=UTC))
    assert 0 < sum(r["tickets"] for r in recent) < len(tickets)
    got = await answer(seeded, "ticket_volume_by_stage", since="2026-01-01T00:00:00Z")
    assert_rows(got, recent, {"share": 4})


# -- snapshots ------------------------------------------------------------------------------


async def test_segment_membership(seeded: Graph) -> None:
    """Three snapshots of a saved segment at three moments: sizes and who joined and left,
    checked against the members the segment's own evaluation gives at each moment."""
    definition = parse_definition({"minPurchaseCount": 1, "withinDays": 90})
    segment = await saved.save(seeded, "近90天购买", definition)
    moments = [datetime(2026, m, 1, tzinfo=UTC) for m in (3, 6, 9)]
    try:
        taken = [
            await snapshots.take(seeded, segment["id"], definition, as_of=m, taken_at=m)
            for m in moments
        ]
        members = [{c["id"] async for c in export.stream(seeded, definition, m)} for m in moments]
        expected, before = [], set[str]()
        for snapshot, now in zip(taken, members, strict=True):
            expected.append({
                "asOf": snapshot["asOf"], "takenAt": snapshot["takenAt"],
                "snapshot": snapshot["id"], "members": len(now),
                "joined": len(now - before), "left": len(before - now),
            })  # fmt: skip
            before = now
        assert all(row["joined"] and row["members"] for row in expected)
        assert any(row["left"] for row in expected)
        assert_rows(await answer(seeded, "segment_membership", segment="近90天购买"), expected)
        assert await answer(seeded, "segment_membership", segment="没有这个分群") == []
    finally:
        await saved.delete(seeded, segment["id"])
