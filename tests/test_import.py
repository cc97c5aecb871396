"""The JSON Lines importer against a real Neo4j: exact graphs, idempotency, rejections."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.db import Graph
from graph.ingest.importer import MAX_REASONS, ImportReport, import_files, import_records
from tests.conftest import wipe

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

Line = dict[str, Any] | str


def write_lines(path: Path, lines: list[Line]) -> Path:
    """A JSON Lines file; strings are written as they are (to make broken lines)."""
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
            out.write("\n")
    return path


async def dump(graph: Graph, ignore: frozenset[str] = frozenset()) -> dict[str, list[Any]]:
    """Every node and relationship with all properties, in a stable order (for equality)."""
    nodes = await graph.run_text(
        "tests/dump_nodes",
        "MATCH (n) RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props",
    )
    rels = await graph.run_text(
        "tests/dump_rels",
        "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS type, "
        "properties(r) AS props, elementId(b) AS b",
    )

    def props(values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, repr(v)) for k, v in values.items() if k not in ignore))

    # The change log's own events (not tag events, which are history) are compared apart.
    nodes = [n for n in nodes if n["labels"] != ["Change"]]
    rels = [r for r in rels if r["a"] in {n["eid"] for n in nodes}]
    key = {
        n["eid"]: (sorted(n["labels"])[0], n["props"].get("name") or n["props"].get("id"))
        for n in nodes
    }
    return {
        "nodes": sorted((sorted(n["labels"]), key[n["eid"]], props(n["props"])) for n in nodes),
        "rels": sorted((key[r["a"]], r["type"], props(r["props"]), key[r["b"]]) for r in rels),
    }


async def one(graph: Graph, text: str, **params: Any) -> Any:
    rows = await graph.run_text("tests/one", text, **params)
    assert len(rows) == 1, rows
    return rows[0]


def reasons(report: ImportReport) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in report.rejections]


GOOD: list[Line] = [
    {
        "kind": "customer",
        "id": "c1",
        "name": "王丹",
        "email": "  Wang.Dan@Example.COM ",
        "phone": "+86 138-1234-5678",
        "gender": "f",
        "birthDate": "1990-04-01",
        "city": "上海",
        "region": "华东",
        "source": "小程序",
        "createdAt": "2024-05-06T10:00:00+08:00",
        "vip": True,
        "score": 7,
        "nested": {"ignored": 1},
        "list": [1, 2],
        "updatedAt": "2020-01-01T00:00:00Z",
        "bad-name": "ignored",
    },
    {"kind": "customer", "id": "c2", "name": "李雷", "phone": "13900001111"},
    {"kind": "product", "id": "p1", "name": "华为 Mate", "sku": "SKU-1", "category": "手机",
     "price": 4999},
    {"kind": "tag", "name": "客户类型", "category": "客户类型", "description": "类型"},
    {"kind": "tag", "name": " ＶＩＰ ", "parent": "客户类型", "category": "客户类型"},
    {"kind": "tagAssignment", "customerId": "c1", "tag": "VIP",
     "assignedAt": "2025-01-01T00:00:00Z"},
    {"kind": "tagAssignment", "customerId": "c2", "tag": "新标签"},
    {"kind": "interaction", "id": "i1", "customerId": "c1", "type": "PURCHASE",
     "occurredAt": "2025-03-01T08:00:00+08:00", "productId": "p1", "amount": 9998,
     "quantity": 2, "channel": "APP", "note": "两台"},
    {"kind": "interaction", "id": "i2", "customerId": "c2", "type": "call",
     "occurredAt": "2025-03-02T09:30:00Z", "note": "咨询"},
    {"kind": "stage", "customerId": "c1", "stage": "NEW", "since": "2025-01-01T00:00:00Z"},
    {"kind": "stage", "customerId": "c1", "stage": "active", "since": "2025-03-01T00:00:00Z"},
]  # fmt: skip


async def test_good_file_is_applied_exactly(graph: Graph, tmp_path: Path) -> None:
    report = await import_files(graph, [write_lines(tmp_path / "good.jsonl", GOOD)], now=NOW)

    assert report.ok and report.lines == len(GOOD)
    assert report.applied == {
        "customer": 2,
        "product": 1,
        "tag": 2,
        "tagAssignment": 2,
        "interaction": 2,
        "stage": 2,
    }
    c1 = (await one(graph, "MATCH (c:Customer {id: 'c1'}) RETURN properties(c) AS p"))["p"]
    assert c1 == {
        "id": "c1",
        "name": "王丹",
        "email": "wang.dan@example.com",
        "phone": "+8613812345678",
        "gender": "F",
        "birthDate": date(1990, 4, 1),
        "city": "上海",
        "region": "华东",
        "source": "小程序",
        "createdAt": datetime(2024, 5, 6, 2, 0, tzinfo=UTC),
        "updatedAt": NOW,
        "vip": True,
        "score": 7,
        # derived from its interactions (cypher/customers/purchase_totals.cypher)
        "purchaseTotal": 9998.0,
        "lastPurchaseAt": datetime(2025, 3, 1, tzinfo=UTC),
        "purchaseCount": 1,
        "nameKey": "王丹",  # derived: what searchCustomers looks in
    }
    c2 = (await one(graph, "MATCH (c:Customer {id: 'c2'}) RETURN properties(c) AS p"))["p"]
    assert c2 == {
        "id": "c2",
        "name": "李雷",
        "phone": "+8613900001111",
        "createdAt": NOW,
        "updatedAt": NOW,
        "purchaseTotal": 0.0,  # interactions, but no purchase
        "purchaseCount": 0,
        "nameKey": "李雷",
    }
    product = await one(graph, "MATCH (p:Product) RETURN properties(p) AS p")
    assert product["p"] == {
        "id": "p1",
        "name": "华为 Mate",
        "sku": "SKU-1",
        "category": "手机",
        "price": 4999.0,
    }
    tags = await graph.run_text(
        "t",
        "MATCH (t:Tag) OPTIONAL MATCH (t)-[:CHILD_OF]->(p) "
        "RETURN t.name AS name, t.status AS status, t.category AS category, "
        "t.createdAt AS createdAt, p.name AS parent, t.id IS NOT NULL AS hasId ORDER BY name",
    )
    assert tags == [
        {"name": "VIP", "status": "ACTIVE", "category": "客户类型", "createdAt": NOW,
         "parent": "客户类型", "hasId": True},
        {"name": "客户类型", "status": "ACTIVE", "category": "客户类型", "createdAt": NOW,
         "parent": None, "hasId": True},
        {"name": "新标签", "status": "ACTIVE", "category": None, "createdAt": NOW,
         "parent": None, "hasId": True},
    ]  # fmt: skip
    assigned = await graph.run_text(
        "t",
        "MATCH (c:Customer)-[r:HAS_TAG]->(t:Tag) "
        "RETURN c.id AS c, t.name AS t, properties(r) AS r ORDER BY c",
    )
    assert assigned == [
        {"c": "c1", "t": "VIP",
         "r": {"source": "IMPORT", "assignedAt": datetime(2025, 1, 1, tzinfo=UTC)}},
        {"c": "c2", "t": "新标签", "r": {"source": "IMPORT", "assignedAt": NOW}},
    ]  # fmt: skip
    interactions = await graph.run_text(
        "t",
        "MATCH (c:Customer)-[:HAD]->(i:Interaction) OPTIONAL MATCH (i)-[:ABOUT]->(p:Product) "
        "RETURN c.id AS c, properties(i) AS i, p.id AS p ORDER BY i.id",
    )
    assert interactions == [
        {
            "c": "c1",
            "i": {
                "id": "i1",
                "type": "PURCHASE",
                "occurredAt": datetime(2025, 3, 1, 0, 0, tzinfo=UTC),
                "amount": 9998.0,
                "quantity": 2,
                "channel": "APP",
                "note": "两台",
            },
            "p": "p1",
        },
        {
            "c": "c2",
            "i": {
                "id": "i2",
                "type": "CALL",
                "occurredAt": datetime(2025, 3, 2, 9, 30, tzinfo=UTC),
                "note": "咨询",
            },
            "p": None,
        },
    ]
    stages = await one(
        graph,
        "MATCH (c:Customer {id: 'c1'})-[now:IN_STAGE]->(s) "
        "MATCH (c)-[was:WAS_IN_STAGE]->(w) "
        "RETURN s.name AS stage, now.since AS since, w.name AS was, was.from AS f, was.to AS t",
    )
    assert stages == {
        "stage": "ACTIVE",
        "since": datetime(2025, 3, 1, tzinfo=UTC),
        "was": "NEW",
        "f": datetime(2025, 1, 1, tzinfo=UTC),
        "t": datetime(2025, 3, 1, tzinfo=UTC),
    }
    assert await one(graph, "MATCH (:Customer {id: 'c2'})-[r:IN_STAGE]->() RETURN count(r) AS n")
    assert (await one(graph, "MATCH ()-[r]->() RETURN count(r) AS n"))["n"] == 8


async def test_importing_the_same_file_twice_changes_nothing(graph: Graph, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "good.jsonl", GOOD)
    await import_files(graph, [path])  # the real clock: updatedAt must still not move
    before = await dump(graph)
    again = await import_files(graph, [path], batch_size=2)
    assert again.ok
    assert again.applied["stage"] == 0 and again.skipped_stages == 2
    assert await dump(graph) == before


async def test_updated_at_moves_only_when_a_property_changes(graph: Graph) -> None:
    first = datetime(2025, 1, 1, tzinfo=UTC)
    later = datetime(2025, 6, 1, tzinfo=UTC)
    lines = [
        {"kind": "customer", "id": "same", "name": "甲", "city": "北京"},
        {"kind": "customer", "id": "moved", "name": "乙", "city": "北京"},
    ]
    await import_records(graph, (("a", n, line) for n, line in enumerate(lines, 1)), now=first)
    lines[1] = {**lines[1], "city": "深圳"}
    lines[0] = {"kind": "customer", "id": "same", "name": "甲"}  # absent fields stay as they are
    await import_records(graph, (("b", n, line) for n, line in enumerate(lines, 1)), now=later)
    rows = await graph.run_text(
        "t",
        "MATCH (c:Customer) RETURN c.id AS id, c.city AS city, c.createdAt AS created, "
        "c.updatedAt AS updated ORDER BY id",
    )
    assert rows == [
        {"id": "moved", "city": "深圳", "created": first, "updated": later},
        {"id": "same", "city": "北京", "created": first, "updated": first},
    ]


BAD: list[Line] = [
    {"kind": "customer", "id": "ok1", "name": "好"},  # 1
    "{not json",  # 2
    '["an", "array"]',  # 3
    {"name": "no kind"},  # 4
    {"kind": "planet", "id": "x"},  # 5
    {"kind": "customer", "name": "no id"},  # 6
    {"kind": "customer", "id": 12, "name": "numeric id"},  # 7
    {"kind": "customer", "id": "e", "name": "bad email", "email": "not-an-email"},  # 8
    {"kind": "customer", "id": "g", "name": "bad gender", "gender": "X"},  # 9
    {"kind": "customer", "id": "b", "name": "bad date", "birthDate": "1990-13-01"},  # 10
    {"kind": "customer", "id": "t", "name": "bad time", "createdAt": "yesterday"},  # 11
    {"kind": "interaction", "id": "i1", "customerId": "ok1", "type": "SMS",
     "occurredAt": "2025-01-01T00:00:00Z"},  # 12
    {"kind": "interaction", "id": "i2", "customerId": "ok1", "type": "VIEW",
     "occurredAt": "2025-01-01T00:00:00Z"},  # 13: productId missing
    {"kind": "interaction", "id": "i3", "customerId": "ok1", "type": "CALL",
     "occurredAt": "2025-01-01T00:00:00Z", "amount": -1},  # 14
    {"kind": "interaction", "id": "i4", "customerId": "ok1", "type": "CALL",
     "occurredAt": "2025-01-01T00:00:00Z", "quantity": 1.5},  # 15
    {"kind": "interaction", "id": "i5", "customerId": "ok1", "type": "CALL"},  # 16
    {"kind": "stage", "customerId": "ok1", "stage": "SLEEPING",
     "since": "2025-01-01T00:00:00Z"},  # 17
    {"kind": "tagAssignment", "customerId": "ok1"},  # 18
    {"kind": "tag", "name": "自己", "parent": " 自己 "},  # 19
    {"kind": "interaction", "id": "i6", "customerId": "nobody", "type": "CALL",
     "occurredAt": "2025-01-01T00:00:00Z"},  # 20
    {"kind": "interaction", "id": "i7", "customerId": "ok1", "type": "PURCHASE",
     "productId": "nothing", "occurredAt": "2025-01-01T00:00:00Z"},  # 21
    {"kind": "tagAssignment", "customerId": "nobody", "tag": "孤儿"},  # 22
    {"kind": "stage", "customerId": "nobody", "stage": "NEW",
     "since": "2025-01-01T00:00:00Z"},  # 23
    {"kind": "tag", "name": "子", "parent": "不存在"},  # 24
    {"kind": "interaction", "id": "i8", "customerId": "ok1", "type": "CALL",
     "occurredAt": "2025-01-01T00:00:00Z"},  # 25: good
    {"kind": "customer", "id": "big", "name": "huge", "n": 2**63},  # 26
]  # fmt: skip


async def test_bad_lines_are_rejected_with_line_and_reason(graph: Graph, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "bad.jsonl", BAD)
    report = await import_files(graph, [path])

    found = reasons(report)
    assert [line for line, _ in found] == [*range(2, 25), 26]
    expected_starts = {
        2: "not valid JSON",
        3: "line: must be a JSON object, not an array",
        4: "kind: is required",
        5: "kind: 'planet' is not one of customer, product, tag",
        6: "id: is required",
        7: "id: must be a string, not a number",
        8: "email: 'not-an-email' is not an email address",
        9: "gender: 'X' is not one of F, M, U",
        10: "birthDate: '1990-13-01' is not a date",
        11: "createdAt: 'yesterday' is not an ISO 8601 time",
        12: "type: 'SMS' is not one of PURCHASE, VIEW",
        13: "productId: is required for a VIEW interaction",
        14: "amount: must not be negative",
        15: "quantity: must be a whole number, not a number",
        16: "occurredAt: is required",
        17: "stage: 'SLEEPING' is not one of PROSPECT, NEW",
        18: "tag: is required",
        19: "parent: tag '自己' cannot be its own parent",
        20: "customerId: no customer 'nobody' in the import or the graph",
        21: "productId: no product 'nothing' in the import or the graph",
        22: "customerId: no customer 'nobody'",
        23: "customerId: no customer 'nobody'",
        24: "parent: no tag '不存在' in the import or the graph",
        26: "n: integer is too large",
    }
    for line, reason in found:
        assert reason.startswith(expected_starts[line]), (line, reason)
    assert str(report.rejections[0]) == f"{path}:2: {report.rejections[0].reason}"
    assert report.rejected == 24 and not report.ok and report.lines == len(BAD)
    # The valid lines are applied all the same; rejected ones leave no trace.
    assert report.applied == {
        "customer": 1,
        "product": 0,
        "tag": 0,  # '子' was written in the node pass but its parent link was refused
        "tagAssignment": 0,
        "interaction": 1,
        "stage": 0,
    }
    assert await graph.run_text("t", "MATCH (t:Tag {name: '孤儿'}) RETURN t") == []
    ids = await graph.run_text("t", "MATCH (i:Interaction) RETURN i.id AS id")
    assert ids == [{"id": "i8"}]


async def test_lines_may_refer_to_lines_further_down(graph: Graph, tmp_path: Path) -> None:
    early = write_lines(
        tmp_path / "refs.jsonl",
        [
            {"kind": "tagAssignment", "customerId": "late", "tag": "子标签"},
            {"kind": "interaction", "id": "i1", "customerId": "late", "type": "VIEW",
             "productId": "p-late", "occurredAt": "2025-01-01T00:00:00Z"},
            {"kind": "stage", "customerId": "late", "stage": "NEW", "since": "2025-01-01"},
            {"kind": "tag", "name": "子标签", "parent": "父标签"},
            {"kind": "tag", "name": "父标签"},
        ],
    )  # fmt: skip
    late = write_lines(
        tmp_path / "nodes.jsonl",
        [
            {"kind": "customer", "id": "late", "name": "后到"},
            {"kind": "product", "id": "p-late", "name": "后到的商品"},
        ],
    )
    report = await import_files(graph, [early, late])
    assert report.ok, report.rejections
    row = await one(
        graph,
        "MATCH (c:Customer {id: 'late'})-[:HAS_TAG]->(t)-[:CHILD_OF]->(parent) "
        "MATCH (c)-[:HAD]->(:Interaction)-[:ABOUT]->(p) MATCH (c)-[:IN_STAGE]->(s) "
        "RETURN t.name AS t, parent.name AS parent, p.id AS p, s.name AS s",
    )
    assert row == {"t": "子标签", "parent": "父标签", "p": "p-late", "s": "NEW"}


async def test_import_records_needs_references_earlier_in_the_stream(graph: Graph) -> None:
    records = [
        ("s", 1, {"kind": "interaction", "id": "i", "customerId": "c", "type": "CALL",
                  "occurredAt": "2025-01-01T00:00:00Z"}),
        ("s", 2, {"kind": "customer", "id": "c", "name": "客户"}),
        ("s", 3, {"kind": "interaction", "id": "j", "customerId": "c", "type": "CALL",
                  "occurredAt": "2025-01-01T00:00:00Z"}),
        ("s", 4, "not an object"),
    ]  # fmt: skip
    # One-row batches, one writer: line 1 is written before line 2 is. (Otherwise a reference
    # to a record further on may happen to resolve; only references backwards must.)
    report = await import_records(graph, records, batch_size=1, writers=1)
    assert [r.line for r in report.rejections] == [1, 4]
    assert report.applied["interaction"] == 1 and report.applied["customer"] == 1


async def test_stage_moves_build_history_and_only_go_forward(graph: Graph) -> None:
    def stage(n: int, customer: str, name: str, since: str) -> tuple[str, int, dict[str, str]]:
        return ("s", n, {"kind": "stage", "customerId": customer, "stage": name, "since": since})

    customers = [("s", n, {"kind": "customer", "id": c, "name": c}) for n, c in enumerate("ab")]
    report = await import_records(
        graph,
        [
            *customers,
            stage(10, "a", "PROSPECT", "2024-01-01T00:00:00Z"),
            stage(11, "a", "NEW", "2024-02-01T00:00:00Z"),
            stage(12, "b", "NEW", "2024-02-01T00:00:00Z"),
            stage(13, "a", "ACTIVE", "2024-03-01T00:00:00Z"),
            stage(14, "a", "LOYAL", "2024-02-15T00:00:00Z"),  # older than ACTIVE: skipped
            stage(15, "a", "ACTIVE", "2024-04-01T00:00:00Z"),  # already ACTIVE: skipped
            stage(16, "a", "AT_RISK", "2024-05-01T00:00:00Z"),
        ],
        batch_size=2,  # moves of one customer spread over several batches and writers
    )
    assert report.ok and report.applied["stage"] == 5 and report.skipped_stages == 2
    history = await graph.run_text(
        "t",
        "MATCH (c:Customer)-[r:WAS_IN_STAGE]->(s) "
        "RETURN c.id AS c, s.name AS s, r.from AS f, r.to AS t ORDER BY c, f",
    )

    def utc(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    assert history == [
        {"c": "a", "s": "PROSPECT", "f": utc("2024-01-01"), "t": utc("2024-02-01")},
        {"c": "a", "s": "NEW", "f": utc("2024-02-01"), "t": utc("2024-03-01")},
        {"c": "a", "s": "ACTIVE", "f": utc("2024-03-01"), "t": utc("2024-05-01")},
    ]
    current = await graph.run_text(
        "t",
        "MATCH (c:Customer)-[r:IN_STAGE]->(s) RETURN c.id AS c, s.name AS s, r.since AS since "
        "ORDER BY c",
    )
    assert current == [
        {"c": "a", "s": "AT_RISK", "since": utc("2024-05-01")},
        {"c": "b", "s": "NEW", "since": utc("2024-02-01")},
    ]


async def test_tag_parents_stay_a_forest(graph: Graph) -> None:
    def tag(n: int, name: str, parent: str | None = None) -> tuple[str, int, dict[str, str]]:
        line = {"kind": "tag", "name": name} | ({"parent": parent} if parent else {})
        return ("t", n, line)

    report = await import_records(
        graph,
        [tag(1, "A"), tag(2, "B", "A"), tag(3, "C", "B"), tag(4, "A", "C"), tag(5, "D")],
    )
    assert reasons(report) == [
        (4, "parent: 'C' is 'A' itself or below it in the taxonomy; linking them would make "
            "a cycle"),
    ]  # fmt: skip
    report = await import_records(graph, [tag(1, "C", "D")])  # moves C: one parent at most
    assert report.ok
    links = await graph.run_text(
        "t", "MATCH (t:Tag)-[:CHILD_OF]->(p) RETURN t.name AS t, p.name AS p ORDER BY t"
    )
    assert links == [{"t": "B", "p": "A"}, {"t": "C", "p": "D"}]


async def test_an_interaction_moves_to_the_customer_its_latest_line_names(graph: Graph) -> None:
    base = [
        ("s", 1, {"kind": "customer", "id": "c1", "name": "一"}),
        ("s", 2, {"kind": "customer", "id": "c2", "name": "二"}),
        ("s", 3, {"kind": "product", "id": "p1", "name": "甲"}),
        ("s", 4, {"kind": "product", "id": "p2", "name": "乙"}),
    ]
    line = {"kind": "interaction", "id": "i", "customerId": "c1", "type": "VIEW",
            "productId": "p1", "occurredAt": "2025-01-01T00:00:00Z"}  # fmt: skip
    await import_records(graph, [*base, ("s", 5, line)])
    moved = line | {"customerId": "c2", "productId": "p2", "channel": "APP"}
    report = await import_records(graph, [("s", 1, moved), ("s", 2, moved)])  # twice: one batch
    assert report.ok
    row = await one(
        graph,
        "MATCH (i:Interaction) RETURN i.channel AS channel, "
        "[(c)-[:HAD]->(i) | c.id] AS customers, [(i)-[:ABOUT]->(p) | p.id] AS products",
    )
    assert row == {"channel": "APP", "customers": ["c2"], "products": ["p2"]}


async def test_a_line_neo4j_refuses_does_not_cost_its_batch(graph: Graph) -> None:
    tags = [("t", n, {"kind": "tag", "name": f"T{n}", "id": f"id-{n}"}) for n in range(1, 8)]
    tags[4] = ("t", 5, {"kind": "tag", "name": "T5", "id": "id-2"})  # the id T2 has
    report = await import_records(graph, tags, batch_size=100)
    assert [(r.line, r.reason.split(":")[0]) for r in report.rejections] == [
        (5, "refused by Neo4j")
    ]
    assert report.applied["tag"] == 6


async def test_rejection_reasons_are_capped(graph: Graph) -> None:
    bad = (("s", n, {"kind": "customer", "id": f"c{n}"}) for n in range(1, MAX_REASONS + 251))
    report = await import_records(graph, bad)
    assert report.rejected == MAX_REASONS + 250
    assert len(report.rejections) == MAX_REASONS
    assert report.rejections[-1].line == MAX_REASONS


def _big_file_lines(customers: int, per_customer: int) -> Iterator[str]:
    yield json.dumps({"kind": "product", "id": "p", "name": "商品", "price": 9.5})
    for c in range(customers):
        for k in range(per_customer):  # interactions before their customer: a second pass
            line = {
                "kind": "interaction",
                "id": f"i{c}-{k}",
                "customerId": f"c{c}",
                "type": "PURCHASE",
                "productId": "p",
                "amount": 9.5,
                "quantity": 1,
                "channel": "小程序",
                "occurredAt": f"2025-01-{1 + k % 28:02d}T08:00:00Z",
                "note": f"第{k}次购买，顺丰配送，客户要求开具电子发票",
            }
            yield json.dumps(line, ensure_ascii=False)
        yield json.dumps(
            {"kind": "customer", "id": f"c{c}", "name": f"客户{c}"}, ensure_ascii=False
        )


@pytest.mark.slow
async def test_a_100k_line_file_is_imported_in_flat_memory(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for line in _big_file_lines(customers=5_000, per_customer=19):
            out.write(line + "\n")
    size = path.stat().st_size
    # Holding 100k parsed lines at once would take far more than the bound below (about 1.5 kB
    # each as Python objects); the importer keeps only a few batches of rows alive.
    assert size > 25_000_000

    tracemalloc.start()
    try:
        report = await import_files(graph, [path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok and report.lines == 100_001
    assert report.applied["interaction"] == 95_000
    assert peak < 50_000_000, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"


@pytest.mark.parametrize("writers", [1, 2, 4])
async def test_any_number_of_writers_gives_the_same_graph(graph: Graph, writers: int) -> None:
    lines = [("s", n, line) for n, line in enumerate(GOOD, start=1) if isinstance(line, dict)]
    reference = await import_records(graph, lines * 3, writers=1, now=NOW)
    # Tags get random ids; tag events are numbered in the order their batches committed.
    ignore = frozenset({"id", "tagId", "seq", "dispatchedAt"})
    expected = await dump(graph, ignore=ignore)
    expected_changes = await changes_made(graph)
    await wipe(graph)
    # One-row batches: many small transactions in flight at once, finishing in any order.
    report = await import_records(graph, lines * 3, batch_size=1, writers=writers, now=NOW)
    assert report.ok and report.applied == reference.applied
    assert report.skipped_stages == reference.skipped_stages == 4
    assert await dump(graph, ignore=ignore) == expected
    # The change log tells every change; a line repeated within one batch may tell its change
    # twice (at least once is what subscribers are promised), so what is compared is the set.
    assert await changes_made(graph) == expected_changes


async def changes_made(graph: Graph) -> set[tuple[Any, ...]]:
    rows = await graph.run_text(
        "tests/changes",
        "MATCH (e:Change) RETURN e.kind AS kind, e.customerId AS customer, "
        "coalesce(e.interactionId, e.stage, e.tagName) AS subject",
    )
    return {(row["kind"], row["customer"], row["subject"]) for row in rows}


STORED_TOTALS_DRIFT = """
MATCH (c:Customer)
CALL (c) {
  OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
  RETURN sum(coalesce(i.amount, 0.0)) AS total, max(i.occurredAt) AS last
}
WITH c, total, last
// a customer never given a purchase may have no stored figures: that reads as none
WHERE abs(coalesce(c.purchaseTotal, 0.0) - total) > 1e-6
   OR NOT (c.lastPurchaseAt = last OR (c.lastPurchaseAt IS NULL AND last IS NULL))
RETURN c.id AS id, c.purchaseTotal AS stored, total, c.lastPurchaseAt AS storedLast, last
"""


async def assert_stored_totals_match(graph: Graph) -> None:
    """Every customer's stored purchase figures equal a recount of its interactions."""
    assert await graph.run_text("tests/totals", STORED_TOTALS_DRIFT) == []


def purchase(n: int, customer: str, amount: float | None, day: int, **more: Any) -> Line:
    line = {"kind": "interaction", "id": f"i{n}", "customerId": customer, "type": "PURCHASE",
            "productId": "p1", "occurredAt": f"2025-01-{day:02d}T00:00:00Z"} | more  # fmt: skip
    if amount is not None:
        line["amount"] = amount
    return ("s", n, line)


async def test_imports_keep_the_stored_purchase_totals_exact(graph: Graph) -> None:
    """Every import path that changes a customer's purchases recomputes its stored total and
    last purchase (read by all-time spend segments): new purchases, a changed amount, a
    purchase moved to another customer, one that stops being a purchase, and racing writers."""
    base = [
        ("s", 1, {"kind": "customer", "id": "c1", "name": "一"}),
        ("s", 2, {"kind": "customer", "id": "c2", "name": "二"}),
        ("s", 3, {"kind": "customer", "id": "c3", "name": "三"}),
        ("s", 4, {"kind": "product", "id": "p1", "name": "甲"}),
    ]
    await import_records(graph, base)
    await assert_stored_totals_match(graph)
    first = [purchase(1, "c1", 10.5, 1), purchase(2, "c1", None, 3), purchase(3, "c2", 4.0, 2)]
    await import_records(graph, first)
    await assert_stored_totals_match(graph)
    totals = await graph.run_text(
        "tests/t", "MATCH (c:Customer) RETURN c.id AS id, c.purchaseTotal AS total ORDER BY id"
    )
    assert [(r["id"], r["total"]) for r in totals] == [("c1", 10.5), ("c2", 4.0), ("c3", None)]
    changed = [
        purchase(1, "c1", 20.0, 1),  # a new amount
        purchase(3, "c1", 4.0, 9),  # moved from c2 to c1, and now c1's latest
        ("s", 4, purchase(2, "c1", None, 3)[2] | {"type": "VIEW"}),  # no longer a purchase
    ]
    await import_records(graph, changed)
    await assert_stored_totals_match(graph)
    c2 = await one(graph, "MATCH (c:Customer {id: 'c2'}) RETURN c.purchaseTotal AS t")
    assert c2 == {"t": 0.0}
    # Many one-line transactions for the same customers at once, committing in any order.
    racing = [purchase(10 + n, f"c{n % 3 + 1}", float(n), n % 28 + 1) for n in range(60)]
    await import_records(graph, racing, batch_size=1, writers=4)
    await assert_stored_totals_match(graph)


async def test_tags_created_by_assignments_are_reported_undescribed(graph: Graph) -> None:
    lines: list[Line] = [
        {"kind": "customer", "id": "a", "name": "甲"},
        {"kind": "customer", "id": "b", "name": "乙"},
        {"kind": "tag", "name": "有描述", "description": "described"},
        {"kind": "tagAssignment", "customerId": "a", "tag": "新标签"},
        {"kind": "tagAssignment", "customerId": "b", "tag": "新标签"},
        {"kind": "tagAssignment", "customerId": "b", "tag": "另一个"},
        {"kind": "tagAssignment", "customerId": "a", "tag": "有描述"},
        {"kind": "tagAssignment", "customerId": "nobody", "tag": "不会建"},
    ]
    report = await import_records(graph, (("f", n, line) for n, line in enumerate(lines, 1)))
    assert report.new_tags == {"新标签", "另一个"}
    assert report.applied["tagAssignment"] == 4 and report.rejected == 1
    again = await import_records(graph, (("f", n, line) for n, line in enumerate(lines, 1)))
    assert again.new_tags == set()
