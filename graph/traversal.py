"""Traversals: similar customers, products bought together, a customer's map.

Each is one Cypher query (cypher/traversal/*.cypher), whatever the size of the graph:

- `similar_customers`: Jaccard over direct tag names ∪ purchased product ids, computed only
  for the customers sharing something, with an upper bound so the costly part (a candidate's
  own purchases) is walked for few of them;
- `also_bought`: co-purchase counts (distinct customers) of the other products;
- `customer_map`: the customer's own world within `depth` hops, at most `limit` nodes.

Arguments are checked here (BadUserInput naming the argument); an unknown id is NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import BadUserInput, NotFound
from graph.db import Graph, Record

MAX_FIRST = 100
MAX_DEPTH = 5  # also the upper bound of the pattern in cypher/traversal/customer_map.cypher
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Similar:
    customer: Record
    score: float
    shared_tags: list[str]  # by name
    shared_products: list[str]  # by id


@dataclass(frozen=True)
class ProductCount:
    product: Record
    customers: int


@dataclass(frozen=True)
class MapNode:
    id: str
    label: str
    caption: str


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    type: str


@dataclass(frozen=True)
class CustomerMap:
    nodes: list[MapNode]  # the customer first
    edges: list[MapEdge]


def check_range(field: str, value: int | None, low: int, high: int) -> int:
    """`value` when in low..high, else BadUserInput naming `field`."""
    if value is None or not low <= value <= high:
        raise BadUserInput(field, f"must be between {low} and {high}, got {value}")
    return value


async def similar_customers(graph: Graph, customer_id: str, first: int | None) -> list[Similar]:
    """Up to `first` customers by Jaccard score descending, then id; score > 0 only."""
    size = check_range("first", first, 0, MAX_FIRST)
    row = await graph.read_one("traversal/similar_customers", customerId=customer_id, first=size)
    if row is None or not row["found"]:
        raise NotFound("customer", customer_id, field="customerId")
    return [
        Similar(
            customer=item["customer"],
            score=item["score"],
            shared_tags=sorted(item["sharedTags"]),
            shared_products=sorted(item["sharedProducts"]),
        )
        for item in row["similar"]
    ]


async def also_bought(graph: Graph, product_id: str, first: int | None) -> list[ProductCount]:
    """Up to `first` other products by co-buyers descending, then id."""
    size = check_range("first", first, 0, MAX_FIRST)
    row = await graph.read_one("traversal/also_bought", productId=product_id, first=size)
    if row is None or not row["found"]:
        raise NotFound("product", product_id, field="productId")
    return [ProductCount(item["product"], item["customers"]) for item in row["products"]]


async def customer_map(
    graph: Graph, customer_id: str, depth: int | None, limit: int | None
) -> CustomerMap:
    """The customer and what it reaches in 1..depth hops, at most `limit` nodes."""
    hops = check_range("depth", depth, 0, MAX_DEPTH)
    most = check_range("limit", limit, 1, MAX_LIMIT)
    row = await graph.read_one(
        "traversal/customer_map", customerId=customer_id, depth=hops, limit=most
    )
    if row is None or not row["found"]:
        raise NotFound("customer", customer_id, field="customerId")
    return CustomerMap(
        nodes=[MapNode(n["id"], n["label"], n["caption"]) for n in row["nodes"]],
        edges=[MapEdge(e["source"], e["target"], e["type"]) for e in row["edges"]],
    )
