"""Query.tagHealth through GraphQL: unused, undescribed and redundant tags, on the shop
(tests/api/conftest.py) and on small graphs whose answers the tests work out in Python from
the holder sets read back from Neo4j.

The shop's tags: VIP (described) > Gold, Risk, Old (deprecated); c1 holds VIP and Gold, c2 VIP,
c3 Old.
"""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import combinations
from typing import Any

import pytest

from graph.db import Graph, counting_round_trips
from tests.api.conftest import Api

HEALTH = """
query ($m: Float) {
  tagHealth {
    unused { name }
    undescribed { name }
    redundant(minJaccard: $m) { a { name } b { name } jaccard }
  }
}
"""
REDUNDANT = """
query ($m: Float) { tagHealth { redundant(minJaccard: $m) { a { name } b { name } jaccard } } }
"""
DEFAULT = "{ tagHealth { redundant { a { name } b { name } jaccard } } }"

# Tags t0.. with statuses, descriptions and parents given per test; HAS_TAG from the pairs.
BUILD = """
UNWIND $tags AS tag
CREATE (:Tag {id: tag.name, name: tag.name, status: tag.status, description: tag.description})
WITH count(*) AS made
UNWIND $tags AS tag
MATCH (child:Tag {name: tag.name}), (parent:Tag {name: tag.parent})
CREATE (child)-[:CHILD_OF]->(parent)
WITH count(*) AS linked
UNWIND $customers AS id
CREATE (:Customer {id: id, name: id})
WITH count(*) AS customers
UNWIND $holds AS hold
MATCH (c:Customer {id: hold[0]}), (t:Tag {name: hold[1]})
CREATE (c)-[:HAS_TAG {source: 'IMPORT'}]->(t)
"""
STATE = """
MATCH (t:Tag)
RETURN t.name AS name, t.status AS status, t.description AS description,
       [(t)-[:CHILD_OF]->(p) | p.name] AS parents,
       [(c:Customer)-[:HAS_TAG]->(t) | c.id] AS holders
"""


def tag(
    name: str,
    *,
    parent: str | None = None,
    status: str = "ACTIVE",
    description: str | None = "described",
) -> dict[str, Any]:
    return {"name": name, "parent": parent, "status": status, "description": description}


async def build(graph: Graph, tags: list[dict[str, Any]], holds: dict[str, list[str]]) -> None:
    """The tags, and customers holding the listed tags directly ({customer: [tag, ...]})."""
    await graph.run_text(
        "tests/tag_health",
        BUILD,
        write=True,
        tags=tags,
        customers=list(holds),
        holds=[[c, t] for c, names in holds.items() for t in names],
    )


def pairs(data: dict[str, Any]) -> list[tuple[str, str, float]]:
    return [(p["a"]["name"], p["b"]["name"], p["jaccard"]) for p in data["tagHealth"]["redundant"]]


def names(data: dict[str, Any], field: str) -> list[str]:
    return [t["name"] for t in data["tagHealth"][field]]


# -- the shop -------------------------------------------------------------------------------


async def test_the_shop(api: Api, shop: Graph) -> None:
    data = await api(HEALTH, m=0.5)
    assert names(data, "unused") == ["Risk"]  # VIP is held, Gold too; Old is deprecated
    assert names(data, "undescribed") == ["Gold", "Risk"]  # Old has none either: deprecated
    assert pairs(data) == [("Gold", "VIP", 0.5)]  # {c1} against {c1, c2}
    assert pairs(await api(DEFAULT)) == []  # minJaccard defaults to 0.9
    assert pairs(await api(REDUNDANT, m=None)) == []  # null means the default
    assert pairs(await api(REDUNDANT, m=0.51)) == []
    assert pairs(await api(REDUNDANT, m=1.0)) == []


async def test_tags_of_a_pair_are_whole_tags(api: Api, shop: Graph) -> None:
    data = await api(
        "{ tagHealth { redundant(minJaccard: 0.5) { a { id status customerCount parent { name } }"
        " b { description children { name } } } } }"
    )
    assert data["tagHealth"]["redundant"] == [
        {
            "a": {
                "id": "t-gold",
                "status": "ACTIVE",
                "customerCount": 1,
                "parent": {"name": "VIP"},
            },
            "b": {"description": "Big spenders", "children": [{"name": "Gold"}]},
        }
    ]


@pytest.mark.parametrize("bad", [0.0, -0.5, 1.0000001, 2.0, -1e300])
async def test_min_jaccard_outside_zero_to_one_is_bad_user_input(
    api: Api, shop: Graph, bad: float
) -> None:
    error = await api.error(REDUNDANT, m=bad)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "minJaccard"}
    assert error["message"].startswith("minJaccard: must be greater than 0 and at most 1")


async def test_a_bad_min_jaccard_fails_only_its_own_field(api: Api, shop: Graph) -> None:
    result = await api.execute(HEALTH, m=0)
    assert result.errors is not None and len(result.errors) == 1
    assert result.errors[0].path == ["tagHealth", "redundant"]
    assert result.data is None  # redundant is non-null, so tagHealth (non-null) goes too


# -- edge cases on small graphs ---------------------------------------------------------------


async def test_deprecated_tags_are_left_out_of_every_list(api: Api, graph: Graph) -> None:
    await build(
        graph,
        [
            tag("A"),
            tag("A2", status="DEPRECATED"),  # same holders as A, no description, ...
            tag("Lonely", status="DEPRECATED", description=None),  # ... or held by nobody
            tag("B", description=None),
        ],
        {"c1": ["A", "A2"], "c2": ["A", "A2"]},
    )
    data = await api(HEALTH, m=0.01)
    assert names(data, "unused") == ["B"]
    assert names(data, "undescribed") == ["B"]
    assert pairs(data) == []  # A and A2 have Jaccard 1, but A2 is deprecated


async def test_a_tag_held_through_a_tag_below_it_is_used(api: Api, graph: Graph) -> None:
    await build(
        graph,
        [
            tag("Root"),
            tag("Mid", parent="Root"),
            tag("Leaf", parent="Mid"),  # held: Mid and Root are used through it
            tag("Other", parent="Root"),  # a held sibling's parent does not make it used
            tag("Gone", parent="Other", status="DEPRECATED"),  # held, deprecated: still holds
            tag("Unheld parent"),
            tag("Unheld child", parent="Unheld parent"),
            tag("Dead", status="DEPRECATED"),
            tag("Under dead", parent="Dead"),  # active under a deprecated parent
        ],
        {"c1": ["Leaf"], "c2": ["Gone"]},
    )
    data = await api("{ tagHealth { unused { name } } }")
    assert names(data, "unused") == ["Under dead", "Unheld child", "Unheld parent"]


async def test_a_blank_description_counts_as_none(api: Api, graph: Graph) -> None:
    await build(
        graph,
        [
            tag("Empty", description=""),
            tag("Spaces", description="  \t\n "),
            tag("Full-width space", description="\u3000"),
            tag("Missing", description=None),
            tag("Dot", description=" . "),
            tag("Fine", description="Customers who buy tea"),
        ],
        {},
    )
    data = await api("{ tagHealth { undescribed { name description } } }")
    assert data["tagHealth"]["undescribed"] == [
        {"name": "Empty", "description": ""},
        {"name": "Full-width space", "description": "\u3000"},
        {"name": "Missing", "description": None},
        {"name": "Spaces", "description": "  \t\n "},
    ]


async def test_ties_are_ordered_by_names(api: Api, graph: Graph) -> None:
    # Customers list their tags in different orders (c1 D before C, c2 C before D): a pair is
    # one pair whichever way round its holders hold it.
    await build(
        graph,
        [tag(n) for n in "GFEDCBA"],
        {
            "c1": ["D", "E", "C"],
            "c2": ["C", "D"],
            "c3": ["E"],
            "c4": ["G", "B", "C"],
            "c5": ["B"],
            "c6": ["F", "A"],
            "c7": ["A"],
            "c8": ["F"],
            "c9": ["G"],
        },
    )
    third = 1 / 3
    assert pairs(await api(REDUNDANT, m=0.25)) == [
        ("C", "D", 2 / 3),  # {c1, c2} / {c1, c2, c4}
        ("A", "F", third),  # {c6} / {c6, c7, c8}
        ("B", "G", third),  # {c4} / {c4, c5, c9}
        ("D", "E", third),  # {c1} / {c1, c2, c3}
        ("B", "C", 0.25),  # {c4} / {c1, c2, c4, c5}
        ("C", "E", 0.25),  # {c1} / {c1, c2, c3, c4}
        ("C", "G", 0.25),  # {c4} / {c1, c2, c4, c9}
    ]
    assert pairs(await api(REDUNDANT, m=third)) == [
        ("C", "D", 2 / 3),
        ("A", "F", third),  # exactly minJaccard is in
        ("B", "G", third),
        ("D", "E", third),
    ]


async def test_equal_holder_sets_have_jaccard_one(api: Api, graph: Graph) -> None:
    await build(graph, [tag("Twin b"), tag("Twin a"), tag("Third")], {
        "c1": ["Twin b", "Twin a", "Third"],
        "c2": ["Twin a", "Twin b"],
    })  # fmt: skip
    assert pairs(await api(REDUNDANT, m=1)) == [("Twin a", "Twin b", 1.0)]
    assert pairs(await api(DEFAULT)) == [("Twin a", "Twin b", 1.0)]


async def test_nothing_to_report(api: Api, graph: Graph) -> None:
    data = await api(HEALTH, m=0.1)
    assert data == {"tagHealth": {"unused": [], "undescribed": [], "redundant": []}}


# -- against a reference computed in Python ----------------------------------------------------


async def holders(graph: Graph) -> dict[str, dict[str, Any]]:
    """Every tag as read back: status, description, parents and its direct holders."""
    rows = await graph.run_text("tests/tag_health_state", STATE)
    return {row["name"]: row for row in rows}


def active(state: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(name for name, t in state.items() if t["status"] != "DEPRECATED")


def reference_unused(state: dict[str, dict[str, Any]]) -> list[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for name, t in state.items():
        for parent in t["parents"]:
            children[parent].append(name)

    def held(name: str) -> bool:
        return bool(state[name]["holders"]) or any(held(child) for child in children[name])

    return [name for name in active(state) if not held(name)]


def reference_undescribed(state: dict[str, dict[str, Any]]) -> list[str]:
    return [n for n in active(state) if not (state[n]["description"] or "").strip()]


def reference_pairs(
    state: dict[str, dict[str, Any]], min_jaccard: float
) -> list[tuple[str, str, float]]:
    found = []
    for a, b in combinations(active(state), 2):  # sorted, so a < b
        ha, hb = set(state[a]["holders"]), set(state[b]["holders"])
        if ha | hb:
            jaccard = len(ha & hb) / len(ha | hb)
            if jaccard >= min_jaccard:
                found.append((a, b, jaccard))
    return sorted(found, key=lambda p: (-p[2], p[0], p[1]))


@pytest.mark.parametrize("seed", range(6))
async def test_random_graphs_match_the_reference(api: Api, graph: Graph, seed: int) -> None:
    rng = random.Random(seed)
    names_ = [f"tag{n:02d}" for n in range(rng.randint(4, 14))]
    tags = []
    for i, name in enumerate(names_):
        parent = rng.choice(names_[:i]) if i and rng.random() < 0.4 else None
        tags.append(
            tag(
                name,
                parent=parent,
                status="DEPRECATED" if rng.random() < 0.15 else "ACTIVE",
                description=rng.choice([None, "", " ", "about it", "something"]),
            )
        )
    # A few popular tags, many rare ones, and near-copies so some pairs overlap a lot.
    weights = {name: rng.choice([0.0, 0.05, 0.2, 0.5, 0.8]) for name in names_}
    copies = {name: rng.choice(names_) for name in rng.sample(names_, len(names_) // 3)}
    holds: dict[str, list[str]] = {}
    for c in range(rng.randint(5, 60)):
        held = {name for name in names_ if rng.random() < weights[name]}
        held |= {copy for copy, of in copies.items() if of in held and rng.random() < 0.9}
        holds[f"c{c:03d}"] = sorted(held)
    await build(graph, tags, holds)
    state = await holders(graph)
    for min_jaccard in (1.0, 0.9, 0.5, 0.2, 1e-9):
        data = await api(HEALTH, m=min_jaccard)
        assert names(data, "unused") == reference_unused(state)
        assert names(data, "undescribed") == reference_undescribed(state)
        assert pairs(data) == reference_pairs(state, min_jaccard), min_jaccard


# -- round trips --------------------------------------------------------------------------------

# Each batched Tag field under one list only: lists resolve at their own times, so a loader
# shared by two lists may run once or twice depending on timing, not on the number of tags.
ALL = """
{ tagHealth {
    unused { name parent { name } }
    undescribed { name aliases }
    redundant(minJaccard: 0.1) {
      a { name customerCount }
      b { name customerCount children { name } }
      jaccard
    }
} }
"""


async def round_trips(api: Api, graph: Graph, tags: int) -> int:
    """tagHealth with every field over `tags` tags: undescribed, half unused, pairs overlapping."""
    await graph.run_text("tests/wipe_tags", "MATCH (n) WHERE n:Tag OR n:Customer DETACH DELETE n",
                         write=True)  # fmt: skip
    holds = {f"c{c}": [f"t{t}" for t in range(tags // 2) if (c + t) % 3] for c in range(30)}
    await build(graph, [tag(f"t{n}", description=None, parent="t0" if n else None)
                        for n in range(tags)], holds)  # fmt: skip
    with counting_round_trips() as counter:
        data = await api(ALL)
    health = data["tagHealth"]
    assert len(health["undescribed"]) == tags
    assert len(health["unused"]) == tags - tags // 2
    assert len(health["redundant"]) == (tags // 2) * (tags // 2 - 1) // 2
    return counter.count


async def test_round_trips_do_not_grow_with_the_tags(api: Api, graph: Graph) -> None:
    few = await round_trips(api, graph, 4)
    many = await round_trips(api, graph, 40)
    assert few == many
    # unused, undescribed, redundant, then one per batched Tag field: parent, aliases,
    # customerCount (a's and b's together), children
    assert many == 7
