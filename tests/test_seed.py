"""`c360 seed`: deterministic, realistic, and loaded through the import path."""

from __future__ import annotations

from collections import Counter
from datetime import date

from graph.db import Graph
from graph.ingest.seed import CITIES, REFERENCE_TIME, TAXONOMY, generate, seed_graph, tag_id
from tests.conftest import wipe
from tests.test_import import dump


def test_generation_is_deterministic() -> None:
    assert list(generate(30, seed=5)) == list(generate(30, seed=5))
    assert list(generate(30, seed=5)) != list(generate(30, seed=6))
    first = [line for _, _, line in generate(3, seed=5)]
    assert [line["kind"] for line in first[: len(TAXONOMY)]] == ["tag"] * len(TAXONOMY)
    assert {line["id"] for line in first if line["kind"] == "customer"} == {
        "C0000001",
        "C0000002",
        "C0000003",
    }


# Tag events are numbered in the order their batches committed, which batch sizes change.
EVENT_ORDER = frozenset({"seq", "dispatchedAt"})


async def test_same_seed_same_graph(graph: Graph) -> None:
    report = await seed_graph(graph, customers=50, seed=11)
    assert report.ok, report.rejections[:5]
    first = await dump(graph, ignore=EVENT_ORDER)
    again = await seed_graph(graph, customers=50, seed=11)  # on top: nothing changes
    assert again.ok and await dump(graph, ignore=EVENT_ORDER) == first
    await wipe(graph)
    await seed_graph(graph, customers=50, seed=11, batch_size=97)  # on a wiped database
    assert await dump(graph, ignore=EVENT_ORDER) == first
    await wipe(graph)
    await seed_graph(graph, customers=50, seed=12)
    assert await dump(graph, ignore=EVENT_ORDER) != first


async def test_seeded_graph_is_realistic_and_consistent(graph: Graph) -> None:
    customers = 200
    report = await seed_graph(graph, customers=customers, seed=42)
    assert report.ok and report.skipped_stages == 0
    applied = report.applied
    assert applied["customer"] == customers and applied["tag"] == len(TAXONOMY)
    assert 60 <= applied["product"] <= 200
    assert 10 <= applied["interaction"] / customers <= 20  # about 15 per customer

    async def rows(text: str) -> list[dict[str, object]]:
        return await graph.run_text("tests/seed_check", text)

    # Cities sit in their regions; emails and phones went through the normalisers.
    region_of = {city: region for city, region, _ in CITIES}
    people = await rows(
        "MATCH (c:Customer) RETURN c.city AS city, c.region AS region, c.email AS email, "
        "c.phone AS phone, c.gender AS gender, c.birthDate AS birth, c.updatedAt AS updated"
    )
    assert all(region_of[str(p["city"])] == p["region"] for p in people)
    assert all(p["email"] == str(p["email"]).strip().lower() for p in people)
    assert all(str(p["phone"]).startswith("+861") and len(str(p["phone"])) == 14 for p in people)
    assert {p["gender"] for p in people} <= {"F", "M", "U"}
    assert all(p["updated"] == REFERENCE_TIME for p in people)

    # The taxonomy is a forest with stable ids.
    tags = await rows(
        "MATCH (t:Tag) OPTIONAL MATCH (t)-[:CHILD_OF]->(p) "
        "RETURN t.name AS name, t.id AS id, t.category AS category, p.name AS parent"
    )
    parents = {str(t["name"]): t["parent"] for t in tags}
    assert parents == {name: parent for name, parent, _ in TAXONOMY}
    assert all(t["id"] == tag_id(str(t["name"])) and t["category"] for t in tags)

    # Purchases cost price x quantity; product interactions are about one product.
    wrong = await rows(
        "MATCH (i:Interaction {type: 'PURCHASE'})-[:ABOUT]->(p:Product) "
        "WHERE abs(i.amount - p.price * i.quantity) > 0.01 RETURN i.id AS id"
    )
    assert wrong == []
    unattached = await rows(
        "MATCH (i:Interaction) WHERE i.type IN ['PURCHASE', 'VIEW'] "
        "AND COUNT { (i)-[:ABOUT]->(:Product) } <> 1 RETURN i.id AS id"
    )
    assert unattached == []
    views = await rows(
        "MATCH (i:Interaction) RETURN i.type AS type, count(*) AS n ORDER BY n DESC LIMIT 1"
    )
    assert views[0]["type"] == "VIEW"

    # A few customers do most of the buying (Pareto-like).
    spend = await rows(
        "MATCH (c:Customer) OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'}) "
        "RETURN c.id AS id, sum(coalesce(i.amount, 0)) AS total ORDER BY total DESC"
    )
    totals = [float(str(s["total"])) for s in spend]
    assert sum(totals[: customers // 5]) > 0.5 * sum(totals)

    # Every customer has one current stage and a short history ending in it.
    stages = await rows(
        "MATCH (c:Customer) RETURN COUNT { (c)-[:IN_STAGE]->() } AS now, "
        "COUNT { (c)-[:WAS_IN_STAGE]->() } AS was"
    )
    assert all(s["now"] == 1 for s in stages)
    moves = Counter(int(str(s["was"])) + 1 for s in stages)
    assert set(moves) <= {1, 2, 3, 4} and moves[1] < customers // 5

    # Age bands agree with birth dates.
    banded = await rows(
        "MATCH (c:Customer)-[:HAS_TAG]->(t:Tag)-[:CHILD_OF]->(:Tag {name: '年龄段'}) "
        "RETURN c.birthDate AS birth, t.name AS band"
    )
    assert len(banded) == customers
    ref = REFERENCE_TIME.date()
    for b in banded:
        born = date.fromisoformat(str(b["birth"]))
        age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
        band = str(b["band"])
        if band.endswith("岁及以上"):
            assert age >= int(band.removesuffix("岁及以上")), (age, band)
        else:
            low, high = band.removesuffix("岁").split("-")
            assert int(low) <= age <= int(high), (age, band)
