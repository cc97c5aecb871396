"""Correctness beyond examples: the compiled Cypher against a pure-Python reference.

`reference_members` evaluates a validated Definition over an in-memory `World` (customers,
a small tag forest, interactions around asOf, stages, birthDates including missing and
29 February) exactly as the contract reads. Hypothesis generates random worlds and random
nested definitions, loads each world into the real Neo4j and checks that the compiled queries
(one segment alone, and several batched into one UNION ALL with prefixed parameters) return
exactly the reference's customers.

Each example focuses on one window length and one age (`Focus`): times cluster on that
window's start and birthdays on that age's birthday, and the definitions mostly use the same
numbers. Without that, an off-by-one at a window's start, at noPurchaseWithinDays' bound or on
a birthday (each tried by mutating the reference) passed 60 examples; with it, each fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from core.errors import BadUserInput
from graph.db import Graph
from graph.migrate import refresh_purchase_totals
from graph.segments import Definition, compile_segment, parse_definition
from graph.segments.evaluation import Evaluation, Result, evaluate_many

# A forest: Root0 > A > A1, Root0 > B, Root1 > C.
PARENTS = {"A": "Root0", "B": "Root0", "A1": "A", "C": "Root1"}
TAGS = ["Root0", "Root1", "A", "B", "A1", "C"]
PRODUCTS = ["p0", "p1", "p2"]
STAGES = ["NEW", "ACTIVE", "LOYAL"]
TYPES = ["PURCHASE", "VIEW", "CALL"]
AS_OFS = [datetime(2024, 3, 1, 12, tzinfo=UTC), datetime(2025, 2, 28, 12, tzinfo=UTC)]
BIRTHDAYS = [
    date(2000, 2, 29),
    date(2000, 3, 1),
    date(1999, 3, 1),
    date(1994, 2, 28),
    date(2023, 3, 1),
    date(2024, 2, 29),
    date(1990, 12, 31),
]


@dataclass(frozen=True)
class Interaction:
    type: str
    at: datetime
    amount: float | None
    product: str | None


@dataclass
class Customer:
    id: str
    tags: set[str]
    stage: str | None
    city: str | None
    region: str | None
    gender: str | None
    birth_date: date | None
    interactions: list[Interaction] = field(default_factory=list)


def ancestors_or_self(tag: str) -> set[str]:
    found = {tag}
    while tag in PARENTS:
        tag = PARENTS[tag]
        found.add(tag)
    return found


def age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def holds(c: Customer, d: Definition, as_of: datetime) -> bool:
    """The contract's semantics, written as plainly as possible."""
    under = set().union(*(ancestors_or_self(t) for t in c.tags)) if c.tags else set()
    seen = [i for i in c.interactions if i.at <= as_of]
    start = as_of - timedelta(days=d.within_days) if d.within_days is not None else None
    window = [i for i in seen if start is None or i.at >= start]
    purchases = [i for i in window if i.type == "PURCHASE"]
    spend = sum(i.amount or 0.0 for i in purchases)
    checks: list[bool] = []
    if d.all_tags:
        checks.append(all(t in under for t in d.all_tags))
    if d.any_tags:
        checks.append(any(t in under for t in d.any_tags))
    if d.none_tags:
        checks.append(not any(t in under for t in d.none_tags))
    if d.stages:
        checks.append(c.stage in [str(s) for s in d.stages])
    for wanted, value in ((d.cities, c.city), (d.regions, c.region), (d.genders, c.gender)):
        if wanted:
            checks.append(value in wanted)
    if d.min_age is not None:
        checks.append(c.birth_date is not None and age(c.birth_date, as_of.date()) >= d.min_age)
    if d.max_age is not None:
        checks.append(c.birth_date is not None and age(c.birth_date, as_of.date()) <= d.max_age)
    bought = {i.product for i in seen if i.type == "PURCHASE"}
    if d.purchased_any_products:
        checks.append(any(p in bought for p in d.purchased_any_products))
    if d.purchased_all_products:
        checks.append(all(p in bought for p in d.purchased_all_products))
    if d.min_purchase_count is not None:
        checks.append(len(purchases) >= d.min_purchase_count)
    if d.min_total_spend is not None:
        checks.append(spend >= d.min_total_spend)
    if d.max_total_spend is not None:
        checks.append(spend <= d.max_total_spend)
    if d.interaction_types is not None or d.min_interactions is not None:
        types = None if d.interaction_types is None else {str(t) for t in d.interaction_types}
        count = len([i for i in window if types is None or i.type in types])
        checks.append(count >= (1 if d.min_interactions is None else d.min_interactions))
    if d.no_purchase_within_days is not None:
        since = as_of - timedelta(days=d.no_purchase_within_days)
        checks.append(not any(i.type == "PURCHASE" and since < i.at for i in seen))
    if d.and_:
        checks.append(all(holds(c, child, as_of) for child in d.and_))
    if d.or_:
        checks.append(any(holds(c, child, as_of) for child in d.or_))
    if d.not_ is not None:
        checks.append(not holds(c, d.not_, as_of))
    return all(checks)


def reference_members(world: list[Customer], d: Definition, as_of: datetime) -> list[str]:
    return sorted(c.id for c in world if holds(c, d, as_of))


# ---- strategies ----------------------------------------------------------------------------


WINDOWS = [1, 7, 30]
AGES = [0, 1, 17, 18, 24, 35]


@dataclass(frozen=True)
class Focus:
    """Where one example looks hard: the world's times and birthdays cluster around this
    window's start and this age, and the definitions mostly use the same numbers, so the
    boundaries (the commonest place for an off-by-one) are hit in most examples."""

    window: int
    age: int


FOCI = st.builds(Focus, st.sampled_from(WINDOWS), st.sampled_from(AGES))


def interactions(as_of: datetime, focus: Focus) -> st.SearchStrategy[Interaction]:
    """Times on, just inside and just outside the windows (the focus window's edges most
    often, a second either side), and after asOf, which must be ignored."""
    edge = st.builds(
        lambda seconds: as_of - timedelta(days=focus.window, seconds=seconds),
        st.sampled_from([-1, 0, 0, 1]),
    )
    other = st.builds(
        lambda days, seconds: as_of + timedelta(days=days, seconds=seconds),
        st.sampled_from([-31, -30, -29, -8, -7, -6, -2, -1, 0, 1]),
        st.sampled_from([-1, 0, 0, 1]),
    )
    return st.builds(
        Interaction,
        type=st.sampled_from(TYPES),
        at=st.one_of(edge, other),
        amount=st.sampled_from([None, 0.0, 2.25, 5.0, 10.5]),
        product=st.sampled_from(PRODUCTS),
    ).map(lambda i: i if i.type != "CALL" else Interaction(i.type, i.at, None, None))


def birthdays(as_of: datetime, focus_age: int) -> st.SearchStrategy[date | None]:
    """Fixed dates (29 February among them) and birthdays on, or a day either side of, asOf's
    date, so age bounds are hit exactly."""

    def around(years: int, days: int) -> date:
        today = as_of.date()
        try:
            born = today.replace(year=today.year - years)
        except ValueError:  # asOf is 29 February
            born = today.replace(year=today.year - years, day=28)
        return born + timedelta(days=days)

    near = st.builds(around, st.just(focus_age), st.sampled_from([-1, 0, 0, 1]))
    return st.one_of(st.sampled_from([None, *BIRTHDAYS]), near)


def customers(as_of: datetime, focus: Focus) -> st.SearchStrategy[list[Customer]]:
    one = st.builds(
        Customer,
        id=st.just(""),
        tags=st.sets(st.sampled_from(TAGS), max_size=3),
        stage=st.sampled_from([None, *STAGES]),
        city=st.sampled_from([None, "Shanghai", "Beijing"]),
        region=st.sampled_from([None, "East", "North"]),
        gender=st.sampled_from([None, "F", "M", "U"]),
        birth_date=birthdays(as_of, focus.age),
        interactions=st.lists(interactions(as_of, focus), max_size=6),
    )

    def numbered(people: list[Customer]) -> list[Customer]:
        for n, person in enumerate(people):
            person.id = f"c{n:02d}"
        return people

    return st.lists(one, max_size=8).map(numbered)


def subset(items: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(items), min_size=1, max_size=3, unique=True)


def leaves(focus: Focus) -> dict[str, st.SearchStrategy[Any]]:
    """Each condition's values; windows and ages mostly the focus's, or next to it."""
    window = st.one_of(st.just(focus.window), st.sampled_from(WINDOWS))
    age = st.one_of(
        st.just(focus.age), st.sampled_from([focus.age - 1, focus.age + 1]), st.integers(0, 35)
    )
    return {
        "allTags": subset(TAGS),
        "anyTags": subset(TAGS),
        "noneTags": subset(TAGS),
        "stages": subset(STAGES),
        "cities": subset(["Shanghai", "Beijing", "Xi'an"]),
        "regions": subset(["East", "North"]),
        "genders": subset(["F", "M", "U"]),
        "minAge": age.filter(lambda n: n >= 0),
        "maxAge": age.filter(lambda n: n >= 0),
        "purchasedAnyProducts": subset(PRODUCTS),
        "purchasedAllProducts": subset(PRODUCTS),
        "withinDays": window,
        "minPurchaseCount": st.integers(0, 3),
        "minTotalSpend": st.sampled_from([0.0, 2.25, 5.0, 7.25, 10.5, 15.5]),
        "maxTotalSpend": st.sampled_from([0.0, 2.25, 5.0, 7.25, 10.5, 15.5]),
        "interactionTypes": subset(TYPES),
        "minInteractions": st.integers(0, 3),
        "noPurchaseWithinDays": window,
    }


WINDOWED = ["minPurchaseCount", "minTotalSpend", "maxTotalSpend", "minInteractions"]


def leaf(focus: Focus) -> st.SearchStrategy[dict[str, Any]]:
    """Up to three conditions; withinDays mostly, but only next to a condition it shapes."""
    values = leaves(focus)
    keys = [key for key in sorted(values) if key != "withinDays"]

    def draw(chosen: dict[str, None], windowed: bool) -> st.SearchStrategy[dict[str, Any]]:
        if windowed and any(key in chosen for key in WINDOWED):
            chosen = chosen | {"withinDays": None}
        return st.fixed_dictionaries({key: values[key] for key in chosen})

    return st.tuples(
        st.dictionaries(st.sampled_from(keys), st.none(), max_size=3),
        st.sampled_from([True, True, False]),
    ).flatmap(lambda t: draw(*t))


def definitions(focus: Focus) -> st.SearchStrategy[dict[str, Any]]:
    def extend(inner: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        return st.tuples(
            leaf(focus),
            st.sampled_from(["and", "or", "not"]),
            st.lists(inner, min_size=1, max_size=3),
        ).map(lambda t: t[0] | {t[1]: t[2][0] if t[1] == "not" else t[2]})

    return st.recursive(leaf(focus), extend, max_leaves=6)


# ---- the test ------------------------------------------------------------------------------

LOAD = """
CALL () { UNWIND $tags AS t CREATE (:Tag {id: 't-' + t, name: t, status: 'ACTIVE'}) }
CALL () {
  UNWIND $parents AS r MATCH (a:Tag {name: r[0]}), (b:Tag {name: r[1]})
  CREATE (a)-[:CHILD_OF]->(b)
}
CALL () { UNWIND $products AS p CREATE (:Product {id: p, name: p}) }
CALL () {
  UNWIND $customers AS row
  CREATE (c:Customer {id: row.id, name: row.id})
  SET c += row.props
  WITH c, row
  CALL (c, row) { UNWIND row.tags AS t MATCH (tag:Tag {name: t}) CREATE (c)-[:HAS_TAG]->(tag) }
  CALL (c, row) {
    MATCH (s:LifecycleStage {name: row.stage}) CREATE (c)-[:IN_STAGE {since: datetime()}]->(s)
  }
  CALL (c, row) {
    UNWIND row.interactions AS x
    CREATE (c)-[:HAD]->(i:Interaction {id: x.id, type: x.type, occurredAt: x.at})
    SET i.amount = x.amount
    WITH i, x WHERE x.product IS NOT NULL
    MATCH (p:Product {id: x.product}) CREATE (i)-[:ABOUT]->(p)
  }
}
"""


async def load(graph: Graph, world: list[Customer]) -> None:
    await graph.run_text(
        "tests/wipe_small", "MATCH (n) WHERE NOT n:LifecycleStage DETACH DELETE n", write=True
    )
    rows = [
        {
            "id": c.id,
            "props": {
                key: value
                for key, value in (
                    ("city", c.city),
                    ("region", c.region),
                    ("gender", c.gender),
                    ("birthDate", c.birth_date),
                )
                if value is not None
            },
            "tags": sorted(c.tags),
            "stage": c.stage,
            "interactions": [
                {"id": f"{c.id}-{n}", "type": i.type, "at": i.at, "amount": i.amount,
                 "product": i.product}
                for n, i in enumerate(c.interactions)
            ],
        }
        for c in world
    ]  # fmt: skip
    await graph.run_text(
        "tests/load_world",
        LOAD,
        write=True,
        tags=TAGS,
        parents=[list(pair) for pair in PARENTS.items()],
        products=PRODUCTS,
        customers=rows,
    )
    # written around the importer: the stored purchase totals as `c360 migrate` fills them in
    await refresh_purchase_totals(graph)


def valid(raws: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Definition]]:
    """The generated definitions the contract accepts (e.g. not minAge > maxAge), parsed."""
    kept: list[tuple[dict[str, Any], Definition]] = []
    for raw in raws:
        try:
            kept.append((raw, parse_definition(raw)))
        except BadUserInput:
            continue
    if not kept:
        reject()
    return [raw for raw, _ in kept], [d for _, d in kept]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_compiled_cypher_matches_the_reference(session_graph: Graph, data: Any) -> None:
    as_of = data.draw(st.sampled_from(AS_OFS), label="asOf")
    focus = data.draw(FOCI, label="focus")
    world = data.draw(customers(as_of, focus), label="world")
    raws = data.draw(st.lists(definitions(focus), min_size=1, max_size=8), label="definitions")
    raws, parsed = valid(raws)
    await load(session_graph, world)
    expected = [reference_members(world, d, as_of) for d in parsed]

    # One segment alone: the query segmentPreview shows analysts.
    alone = compile_segment(parsed[0], as_of)
    rows = await session_graph.run_text("tests/segment", alone.export_query, **alone.params)
    assert [row["customer"]["id"] for row in rows] == expected[0], alone.match

    # All of them batched (counts and pages), as the API's loader runs them.
    pages = [Evaluation(d, as_of, limit=100) for d in parsed]
    asks = pages + [Evaluation(d, as_of) for d in parsed]
    results = await evaluate_many(session_graph, asks)
    for n, want in enumerate(expected):
        page, count = results[n], results[len(parsed) + n]
        assert isinstance(page, Result) and isinstance(count, Result)
        assert [row["node"]["id"] for row in page.rows] == want, raws[n]
        assert page.total == count.total == len(want), raws[n]


def edge_world(as_of: datetime) -> list[Customer]:
    leap = Customer("c1", {"A1"}, "NEW", "Shanghai", None, "F", date(2000, 2, 29))
    leap.interactions = [
        Interaction("PURCHASE", as_of - timedelta(days=7), 5.0, "p0"),
        Interaction("PURCHASE", as_of + timedelta(seconds=1), 100.0, "p1"),  # after asOf
    ]
    bare = Customer("c2", set(), None, None, None, None, None)
    return [leap, bare]


EDGES: list[dict[str, Any]] = [
    {"withinDays": 7, "minPurchaseCount": 1},
    {"withinDays": 7, "minTotalSpend": 5},
    {"noPurchaseWithinDays": 7},
    {"noPurchaseWithinDays": 8},
    {"minAge": 24},
    {"maxAge": 23},
    {"purchasedAnyProducts": ["p1"]},
    {"maxTotalSpend": 5},
    {"not": {"cities": ["Shanghai"]}},
]


async def test_edges_on_neo4j_match_the_reference(graph: Graph) -> None:
    """Window bounds, 29 February and asOf itself, which random worlds hit only sometimes."""
    for as_of in AS_OFS:
        world = edge_world(as_of)
        await load(graph, world)
        for raw in EDGES:
            segment = compile_segment(parse_definition(raw), as_of)
            rows = await graph.run_text("tests/segment", segment.export_query, **segment.params)
            want = reference_members(world, parse_definition(raw), as_of)
            assert [row["customer"]["id"] for row in rows] == want, (as_of, raw)


def test_the_reference_reads_the_contract() -> None:
    """A few hand-checked cases, so the reference itself can fail."""
    as_of = AS_OFS[0]  # 2024-03-01T12:00Z
    world = edge_world(as_of)

    def members(raw: dict[str, Any]) -> list[str]:
        return reference_members(world, parse_definition(raw), as_of)

    assert members({}) == ["c1", "c2"]
    assert members({"anyTags": ["Root0"]}) == ["c1"]  # A1 is below A below Root0
    assert members({"noneTags": ["A"]}) == ["c2"]
    assert members({"minAge": 24}) == ["c1"]  # 2000-02-29 is 24 on 2024-03-01
    assert members({"not": {"minAge": 25}}) == ["c1", "c2"]
    assert members({"maxTotalSpend": 0}) == ["c2"]
    assert members({"purchasedAnyProducts": ["p1"]}) == []
    assert members({"withinDays": 7, "minPurchaseCount": 1}) == ["c1"]  # exactly 7 days back
    assert members({"noPurchaseWithinDays": 7}) == ["c1", "c2"]  # (asOf - 7 days, asOf]
    assert members({"or": [{"cities": ["Beijing"]}, {"not": {"cities": ["Shanghai"]}}]}) == ["c2"]
