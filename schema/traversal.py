"""SimilarCustomer, ProductCount and the GraphView of customerMap."""

from __future__ import annotations

import strawberry

from graph import traversal
from schema.customer import Customer
from schema.product import Product


@strawberry.type(
    description="A customer like another one. score: Jaccard |A ∩ B| / |A ∪ B| of the two "
    "customers' sets of direct tag names and purchased product ids."
)
class SimilarCustomer:
    customer: Customer
    score: float
    shared_tags: list[str] = strawberry.field(description="Direct tags both hold, by name.")
    shared_products: list[strawberry.ID] = strawberry.field(
        description="Ids of products both purchased, ascending."
    )

    @classmethod
    def of(cls, found: traversal.Similar) -> SimilarCustomer:
        return cls(
            customer=Customer.from_record(found.customer),
            score=found.score,
            shared_tags=found.shared_tags,
            shared_products=[strawberry.ID(p) for p in found.shared_products],
        )


@strawberry.type(description="A product and how many distinct customers it counts.")
class ProductCount:
    product: Product
    customers: int

    @classmethod
    def of(cls, found: traversal.ProductCount) -> ProductCount:
        return cls(product=Product.from_record(found.product), customers=found.customers)


@strawberry.type(description="A node of a GraphView.")
class GraphNode:
    id: strawberry.ID = strawberry.field(description="The node's id property.")
    label: str = strawberry.field(
        description="Customer, Tag, LifecycleStage, Task, Interaction or Product."
    )
    caption: str = strawberry.field(
        description="What to write on the node: a name, a task title, or an interaction's "
        "type and date (e.g. `PURCHASE 2025-01-01`); the same for a node wherever it appears."
    )


@strawberry.type(description="A relationship of a GraphView, in its direction.")
class GraphEdge:
    source: strawberry.ID
    target: strawberry.ID
    type: str = strawberry.field(description="The relationship type, e.g. HAS_TAG.")


@strawberry.type(description="A part of the graph as nodes and edges, for drawing.")
class GraphView:
    nodes: list[GraphNode]
    edges: list[GraphEdge]

    @classmethod
    def of(cls, found: traversal.CustomerMap) -> GraphView:
        return cls(
            nodes=[
                GraphNode(id=strawberry.ID(n.id), label=n.label, caption=n.caption)
                for n in found.nodes
            ],
            edges=[
                GraphEdge(
                    source=strawberry.ID(e.source), target=strawberry.ID(e.target), type=e.type
                )
                for e in found.edges
            ],
        )
