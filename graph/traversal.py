"""Traversals: similar customers, products bought together, a customer's map.

Each is one Cypher query (cypher/traversal/*.cypher), whatever the size of the graph:

- `similar_customers`: Jaccard over direct tag names ∪ purchased product ids, computed only
  for the customers sharing something, with an upper bound so the costly part (a candidate's
  own purchases) is walked for few of them;
- `also_bought`: co-purchase counts (distinct customers) of the other products;
- `customer_map`: the customer's own world within `depth` hops, at most `limit` nodes.

Arguments arrive checked against the MAX_ bounds (resolvers); an unknown id is NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import NotFound
from graph.db import Graph
from graph.rows import CustomerRow, ProductRow

MAX_FIRST = 100
MAX_DEPTH = 5  # also the upper bound of the pattern in cypher/traversal/customer_map.cypher
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Similar:
    customer: CustomerRow
    score: float
    shared_tags: list[str]  # by name
    shared_products: list[str]  # by id


@dataclass(frozen=True)
class ProductCount:
    product: ProductRow
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


async def similar_customers(graph: Graph, customer_id: str, first: int) -> list[Similar]:
    """Up to `first` (0..MAX_FIRST) customers by Jaccard score descending, then id; score > 0
    only."""
    row = await graph.read_one("traversal/similar_customers", customerId=customer_id, first=first)
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


async def also_bought(graph: Graph, product_id: str, first: int) -> list[ProductCount]:
    """Up to `first` (0..MAX_FIRST) other products by co-buyers descending, then id."""
    row = await graph.read_one("traversal/also_bought", productId=product_id, first=first)
    if row is None or not row["found"]:
        raise NotFound("product", product_id, field="productId")
    return [ProductCount(item["product"], item["customers"]) for item in row["products"]]


async def customer_map(graph: Graph, customer_id: str, depth: int, limit: int) -> CustomerMap:
    """The customer and what it reaches in 1..depth (0..MAX_DEPTH) hops, at most `limit`
    (1..MAX_LIMIT) nodes."""
    row = await graph.read_one(
        "traversal/customer_map", customerId=customer_id, depth=depth, limit=limit
    )
    if row is None or not row["found"]:
        raise NotFound("customer", customer_id, field="customerId")
    return CustomerMap(
        nodes=[MapNode(n["id"], n["label"], n["caption"]) for n in row["nodes"]],
        edges=[MapEdge(e["source"], e["target"], e["type"]) for e in row["edges"]],
    )
