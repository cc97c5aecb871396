"""similarCustomers, alsoBought and customerMap through GraphQL, on the shop
(tests/api/conftest.py) and on random small graphs whose answers are worked out here in
Python from the same data the graph was built from.

The shop: c1 holds VIP and Gold (Gold CHILD_OF VIP), bought p1 (twice) and p2, viewed p3, had
a CALL; c2 holds VIP, bought p1, had an EMAIL; c3 holds Old and nothing else.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

from graph.db import Graph, counting_round_trips
from tests.api.conftest import Api

SIMILAR = """
query ($id: ID!, $first: Int) {
  similarCustomers(customerId: $id, first: $first) {
    customer { id } score sharedTags sharedProducts
  }
}
"""
ALSO = """
query ($id: ID!, $first: Int) {
  alsoBought(productId: $id, first: $first) { product { id } customers }
}
"""
MAP = """
query ($id: ID!, $depth: Int, $limit: Int) {
  customerMap(customerId: $id, depth: $depth, limit: $limit) {
    nodes { id label caption }
    edges { source target type }
  }
}
"""


# -- the shop -----------------------------------------------------------------------------


async def test_similar_customers_on_the_shop(api: Api, shop: Graph) -> None:
    # c1: {VIP, Gold, p1, p2}; c2: {VIP, p1} -> 2 / 4; c3: {Old} shares nothing.
    assert (await api(SIMILAR, id="c1"))["similarCustomers"] == [
        {"customer": {"id": "c2"}, "score": 0.5, "sharedTags": ["VIP"], "sharedProducts": ["p1"]}
    ]
    assert [s["customer"]["id"] for s in (await api(SIMILAR, id="c2"))["similarCustomers"]] == [
        "c1"
    ]
    assert (await api(SIMILAR, id="c3"))["similarCustomers"] == []
    assert (await api(SIMILAR, id="c1", first=0))["similarCustomers"] == []


async def test_a_view_is_not_a_purchase_and_ties_go_by_id(api: Api, shop: Graph) -> None:
    await shop.run_text(
        "tests/more_customers",
        """MATCH (vip:Tag {name: 'VIP'}), (p3:Product {id: 'p3'})
           CREATE (c5:Customer {id: 'c5', name: 'Eve'})-[:HAS_TAG]->(vip)
           CREATE (c4:Customer {id: 'c4', name: 'Dan'})-[:HAS_TAG]->(vip)
           CREATE (c6:Customer {id: 'c6', name: 'Fay'})
           CREATE (c6)-[:HAD]->(:Interaction {id: 'i9', type: 'VIEW',
                   occurredAt: datetime('2025-01-01T00:00:00Z')})-[:ABOUT]->(p3)""",
        write=True,
    )
    found = (await api(SIMILAR, id="c1"))["similarCustomers"]
    # c2: 2/4; c4 and c5: {VIP} -> 1/4 each, c4 first by id; c6 only viewed p3, as c1 did.
    assert [(s["customer"]["id"], s["score"]) for s in found] == [
        ("c2", 0.5),
        ("c4", 0.25),
        ("c5", 0.25),
    ]
    assert [s["customer"]["id"] for s in (await api(SIMILAR, id="c1", first=2))[
        "similarCustomers"
    ]] == ["c2", "c4"]  # fmt: skip


async def test_a_tag_named_like_a_product_id_is_another_element(api: Api, shop: Graph) -> None:
    await shop.run_text(
        "tests/p1_tag",
        """CREATE (t:Tag {id: 't-p1', name: 'p1', status: 'ACTIVE'})
           CREATE (:Customer {id: 'c7', name: 'Gus'})-[:HAS_TAG]->(t)""",
        write=True,
    )
    assert (await api(SIMILAR, id="c7"))["similarCustomers"] == []


async def test_also_bought_on_the_shop(api: Api, shop: Graph) -> None:
    # p1 was bought by c1 and c2; of them only c1 bought anything else (p2; p3 was a view).
    assert (await api(ALSO, id="p1"))["alsoBought"] == [{"product": {"id": "p2"}, "customers": 1}]
    assert (await api(ALSO, id="p2"))["alsoBought"] == [{"product": {"id": "p1"}, "customers": 1}]
    assert (await api(ALSO, id="p3"))["alsoBought"] == []  # only viewed
    assert (await api(ALSO, id="p1", first=0))["alsoBought"] == []


def node(id: str, label: str, caption: str) -> dict[str, str]:
    return {"id": id, "label": label, "caption": caption}


def edge(source: str, type: str, target: str) -> dict[str, str]:
    return {"source": source, "target": target, "type": type}


C1_HOP1 = [
    node("c1", "Customer", "Alice"),
    node("t-gold", "Tag", "Gold"),
    node("t-vip", "Tag", "VIP"),
    node("LOYAL", "LifecycleStage", "LOYAL"),
    node("NEW", "LifecycleStage", "NEW"),
    node("i5", "Interaction", "PURCHASE 2025-03-05"),  # newest first, then by id
    node("i4", "Interaction", "CALL 2025-03-01"),
    node("i2", "Interaction", "PURCHASE 2025-02-01"),
    node("i3", "Interaction", "VIEW 2025-02-01"),
    node("i1", "Interaction", "PURCHASE 2025-01-01"),
]
C1_PRODUCTS = [
    node("p1", "Product", "Tea"),
    node("p2", "Product", "Cup"),
    node("p3", "Product", "Pot"),
]
C1_EDGES = [
    edge("c1", "HAD", "i1"),
    edge("c1", "HAD", "i2"),
    edge("c1", "HAD", "i3"),
    edge("c1", "HAD", "i4"),
    edge("c1", "HAD", "i5"),
    edge("c1", "HAS_TAG", "t-gold"),
    edge("c1", "HAS_TAG", "t-vip"),
    edge("c1", "IN_STAGE", "LOYAL"),
    edge("c1", "WAS_IN_STAGE", "NEW"),
]
C1_ABOUT = [
    edge("i1", "ABOUT", "p1"),
    edge("i2", "ABOUT", "p2"),
    edge("i3", "ABOUT", "p3"),
    edge("i5", "ABOUT", "p1"),
]
GOLD_UNDER_VIP = [edge("t-gold", "CHILD_OF", "t-vip")]


async def test_customer_map_on_the_shop(api: Api, shop: Graph) -> None:
    view = (await api(MAP, id="c1"))["customerMap"]
    assert view["nodes"] == C1_HOP1 + C1_PRODUCTS
    assert view["edges"] == C1_EDGES + C1_ABOUT + GOLD_UNDER_VIP
    one = (await api(MAP, id="c1", depth=1))["customerMap"]
    assert one == {"nodes": C1_HOP1, "edges": C1_EDGES + GOLD_UNDER_VIP}
    assert (await api(MAP, id="c1", depth=0))["customerMap"] == {
        "nodes": [node("c1", "Customer", "Alice")],
        "edges": [],
    }
    # At most `limit` nodes, the customer always, then the nearest; edges only between them.
    three = (await api(MAP, id="c1", limit=3))["customerMap"]
    assert three == {
        "nodes": C1_HOP1[:3],
        "edges": [edge("c1", "HAS_TAG", "t-gold"), edge("c1", "HAS_TAG", "t-vip"), *GOLD_UNDER_VIP],
    }
    assert (await api(MAP, id="c1", limit=1))["customerMap"]["nodes"] == C1_HOP1[:1]
    # Other customers are not reached through shared tags or products.
    c3 = (await api(MAP, id="c3", depth=5))["customerMap"]
    assert c3 == {
        "nodes": [node("c3", "Customer", "Carol"), node("t-old", "Tag", "Old")],
        "edges": [edge("c3", "HAS_TAG", "t-old")],
    }


async def test_captions_are_the_same_wherever_a_node_appears(api: Api, shop: Graph) -> None:
    c1 = {n["id"]: n for n in (await api(MAP, id="c1"))["customerMap"]["nodes"]}
    c2 = {n["id"]: n for n in (await api(MAP, id="c2"))["customerMap"]["nodes"]}
    shared = c1.keys() & c2.keys()
    assert shared == {"t-vip", "p1"}
    assert all(c1[key] == c2[key] for key in shared)


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "variables", "field"),
    [
        (SIMILAR, {"id": "c1", "first": -1}, "first"),
        (SIMILAR, {"id": "c1", "first": 101}, "first"),
        (SIMILAR, {"id": "c1", "first": None}, "first"),
        (ALSO, {"id": "p1", "first": -1}, "first"),
        (ALSO, {"id": "p1", "first": 101}, "first"),
        (MAP, {"id": "c1", "depth": -1}, "depth"),
        (MAP, {"id": "c1", "depth": 6}, "depth"),
        (MAP, {"id": "c1", "limit": 0}, "limit"),
        (MAP, {"id": "c1", "limit": 1001}, "limit"),
    ],
)
async def test_arguments_out_of_range_are_bad_user_input(
    api: Api, shop: Graph, document: str, variables: dict[str, Any], field: str
) -> None:
    error = await api.error(document, **variables)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["message"].startswith(f"{field}: must be between ")


@pytest.mark.parametrize(
    ("document", "missing", "field"),
    [
        (SIMILAR, "customer 'nobody'", "customerId"),
        (ALSO, "product 'nobody'", "productId"),
        (MAP, "customer 'nobody'", "customerId"),
    ],
)
async def test_unknown_ids_are_not_found(
    api: Api, shop: Graph, document: str, missing: str, field: str
) -> None:
    error = await api.error(document, id="nobody")
    assert error["extensions"] == {"code": "NOT_FOUND", "field": field}
    what, key = missing.split(" ")
    assert error["message"] == f"{field}: {what} not found: {key}"


# -- random graphs against a Python reference ------------------------------------------------

BUILD = """
UNWIND $tags AS name
CREATE (t:Tag {id: 'tag-' + name, name: name, status: 'ACTIVE'})
WITH count(*) AS made
UNWIND $parents AS pair
MATCH (child:Tag {name: pair[0]}), (parent:Tag {name: pair[1]})
CREATE (child)-[:CHILD_OF]->(parent)
WITH count(*) AS linked
UNWIND $products AS id
CREATE (:Product {id: id, name: 'Product ' + id})
WITH count(*) AS made
UNWIND $customers AS c
CREATE (customer:Customer {id: c.id, name: 'Name of ' + c.id})
WITH customer, c
CALL (customer, c) {
  UNWIND c.tags AS name
  MATCH (t:Tag {name: name})
  CREATE (customer)-[:HAS_TAG {source: 'IMPORT'}]->(t)
}
CALL (customer, c) {
  UNWIND c.interactions AS i
  CREATE (customer)-[:HAD]->(x:Interaction {id: i.id, type: i.type,
          occurredAt: datetime({epochSeconds: i.at})})
  WITH x, i WHERE i.product IS NOT NULL
  MATCH (p:Product {id: i.product})
  CREATE (x)-[:ABOUT]->(p)
}
"""


@dataclass
class World:
    """A random graph as Python sets, and the parameters that build it in Neo4j."""

    tags: list[str]
    parents: dict[str, str]
    products: list[str]
    held: dict[str, set[str]] = field(default_factory=dict)  # customer -> direct tag names
    interactions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def bought(self, customer: str) -> set[str]:
        return {i["product"] for i in self.interactions[customer] if i["type"] == "PURCHASE"}

    def elements(self, customer: str) -> set[tuple[str, str]]:
        return {("tag", t) for t in self.held[customer]} | {
            ("product", p) for p in self.bought(customer)
        }

    async def build(self, graph: Graph) -> None:
        await graph.run_text(
            "tests/traversal_world",
            BUILD,
            write=True,
            tags=self.tags,
            parents=[[child, parent] for child, parent in self.parents.items()],
            products=self.products,
            customers=[
                {"id": c, "tags": sorted(self.held[c]), "interactions": self.interactions[c]}
                for c in self.held
            ],
        )


def random_world(seed: int, customers: int = 40) -> World:
    rng = random.Random(seed)
    # A few common tags and products and many rare ones, so bounds and ties both matter.
    tags = [f"T{n}" for n in range(rng.randint(3, 12))]
    parents = {t: rng.choice(tags[:i]) for i, t in enumerate(tags) if i and rng.random() < 0.3}
    products = [f"P{n}" for n in range(rng.randint(2, 10))]
    world = World(tags, parents, products)
    tag_weights = [rng.choice([0.05, 0.2, 0.6]) for _ in tags]
    product_weights = [rng.choice([1, 3, 10]) for _ in products]
    number = 0
    for n in range(customers):
        customer = f"C{n:03d}"
        world.held[customer] = {
            t for t, w in zip(tags, tag_weights, strict=True) if rng.random() < w
        }
        events = []
        for _ in range(rng.choice([0, 1, 2, 3, 6])):
            number += 1
            kind = rng.choice(["PURCHASE", "PURCHASE", "VIEW", "CALL"])
            product = None if kind == "CALL" else rng.choices(products, product_weights)[0]
            events.append(
                {
                    "id": f"I{number:04d}",
                    "type": kind,
                    "product": product,
                    "at": 1_700_000_000 + number,
                }
            )
        world.interactions[customer] = events
    return world


def reference_similar(world: World, customer: str, first: int) -> list[dict[str, Any]]:
    mine = world.elements(customer)
    found = []
    for other in world.held:
        if other == customer:
            continue
        theirs = world.elements(other)
        both = mine & theirs
        if both:
            found.append(
                {
                    "customer": {"id": other},
                    "score": len(both) / len(mine | theirs),
                    "sharedTags": sorted(name for kind, name in both if kind == "tag"),
                    "sharedProducts": sorted(name for kind, name in both if kind == "product"),
                }
            )
    found.sort(key=lambda s: (-s["score"], s["customer"]["id"]))
    return found[:first]


def reference_also_bought(world: World, product: str, first: int) -> list[dict[str, Any]]:
    buyers = [c for c in world.held if product in world.bought(c)]
    counts: dict[str, int] = defaultdict(int)
    for buyer in buyers:
        for other in world.bought(buyer) - {product}:
            counts[other] += 1
    ranked = sorted(counts.items(), key=lambda pc: (-pc[1], pc[0]))
    return [{"product": {"id": p}, "customers": n} for p, n in ranked[:first]]


def reference_map(world: World, customer: str, depth: int) -> tuple[set[str], set[tuple[str, ...]]]:
    """Node ids within `depth` hops along HAS_TAG, CHILD_OF, HAD, ABOUT, and the edges
    between them (no limit: the random worlds stay far below it)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in world.held:
        out[c] += [(f"tag-{t}", "HAS_TAG") for t in world.held[c]]
        for i in world.interactions[c]:
            out[c].append((i["id"], "HAD"))
            if i["product"] is not None:
                out[i["id"]].append((i["product"], "ABOUT"))
    for child, parent in world.parents.items():
        out[f"tag-{child}"].append((f"tag-{parent}", "CHILD_OF"))
    kept = {customer}
    frontier = {customer}
    for _ in range(depth):
        frontier = {target for n in frontier for target, _ in out[n]} - kept
        kept |= frontier
    edges = {(n, kind, target) for n in kept for target, kind in out[n] if target in kept}
    return kept, edges


@pytest.mark.parametrize("seed", range(8))
async def test_random_graphs_match_the_reference(api: Api, graph: Graph, seed: int) -> None:
    world = random_world(seed)
    await world.build(graph)
    rng = random.Random(f"ask:{seed}")
    for customer in rng.sample(sorted(world.held), 8):
        # first = 1 and 2 make the bound prune hardest; 100 returns every candidate
        for first in (1, 2, 5, 100):
            found = (await api(SIMILAR, id=customer, first=first))["similarCustomers"]
            assert found == reference_similar(world, customer, first), (customer, first)
        for depth in (1, 2, 3):
            view = (await api(MAP, id=customer, depth=depth, limit=1000))["customerMap"]
            nodes, edges = reference_map(world, customer, depth)
            assert view["nodes"][0]["id"] == customer
            assert {n["id"] for n in view["nodes"]} == nodes
            assert len(view["nodes"]) == len(nodes)
            assert {(e["source"], e["type"], e["target"]) for e in view["edges"]} == edges
            assert len(view["edges"]) == len(edges)
    for product in world.products:
        for first in (1, 3, 100):
            found = (await api(ALSO, id=product, first=first))["alsoBought"]
            assert found == reference_also_bought(world, product, first), (product, first)


async def test_the_reference_can_tell_a_wrong_answer(graph: Graph) -> None:
    """The references differ between customers and depths, so the comparisons above can fail."""
    world = random_world(0)
    answers = {str(reference_similar(world, c, 5)) for c in world.held}
    assert len(answers) > len(world.held) // 2
    assert any(reference_similar(world, c, 100) for c in world.held)
    assert any(reference_also_bought(world, p, 100) for p in world.products)
    depths = [reference_map(world, "C000", d)[0] for d in (0, 1, 2)]
    assert depths[0] < depths[1] < depths[2]


# -- round trips -------------------------------------------------------------------------------

MANY = """
MATCH (vip:Tag {name: 'VIP'}), (p1:Product {id: 'p1'})
UNWIND range(10, 59) AS n
CREATE (c:Customer {id: 'x' + n, name: 'Extra ' + n})-[:HAS_TAG]->(vip)
CREATE (c)-[:HAD]->(:Interaction {id: 'xi' + n, type: 'PURCHASE',
        occurredAt: datetime('2025-01-01T00:00:00Z')})-[:ABOUT]->(p1)
CREATE (c)-[:HAD]->(:Interaction {id: 'xj' + n, type: 'PURCHASE',
        occurredAt: datetime('2025-01-02T00:00:00Z')})-[:ABOUT]->(:Product {id: 'xp' + n,
        name: 'Extra product ' + n})
"""
DEEP_SIMILAR = """
query ($first: Int) {
  similarCustomers(customerId: "c1", first: $first) {
    score customer { id name tags { name } stage purchasedProducts { id } }
  }
}
"""
DEEP_ALSO = """
query ($first: Int) {
  alsoBought(productId: "p1", first: $first) { customers product { id name buyerCount } }
}
"""


async def round_trips(api: Api, document: str, **variables: Any) -> tuple[int, Any]:
    with counting_round_trips() as counter:
        data = await api(document, **variables)
    return counter.count, data


async def test_round_trips_do_not_grow_with_the_answer(api: Api, shop: Graph) -> None:
    await shop.run_text("tests/many", MANY, write=True)
    one, data = await round_trips(api, DEEP_SIMILAR, first=1)
    assert len(data["similarCustomers"]) == 1
    many, data = await round_trips(api, DEEP_SIMILAR, first=50)
    assert len(data["similarCustomers"]) == 50
    assert data["similarCustomers"][0]["customer"]["tags"] == [{"name": "VIP"}]
    # the query, then tags, stage and purchased products each batched over all customers
    assert one == many == 4

    one, data = await round_trips(api, DEEP_ALSO, first=1)
    assert len(data["alsoBought"]) == 1
    many, data = await round_trips(api, DEEP_ALSO, first=50)
    assert len(data["alsoBought"]) == 50
    assert all(p["product"]["buyerCount"] == 1 for p in data["alsoBought"])
    assert one == many == 2  # the query, then buyer counts batched

    count, data = await round_trips(api, MAP, id="c1", depth=2, limit=1000)
    assert len(data["customerMap"]["nodes"]) == 13
    assert count == 1


async def test_similar_customers_mask_personal_data_for_roles_without_it(
    api: Api, shop: Graph
) -> None:
    document = '{ similarCustomers(customerId: "c2") { customer { id email phone birthDate } } }'
    [admin] = (await api(document))["similarCustomers"]
    assert admin["customer"]["email"] == "alice@example.com"
    [analyst] = (await api.as_role("analyst")(document))["similarCustomers"]
    assert analyst["customer"]["id"] == "c1"
    assert analyst["customer"]["email"] != "alice@example.com"
    assert analyst["customer"]["email"].endswith("@example.com")
    assert analyst["customer"]["phone"] != "+8613812345678"
    assert analyst["customer"]["birthDate"] is None
    error = await api.as_role().error(document)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
