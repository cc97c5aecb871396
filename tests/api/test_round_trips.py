"""No N+1: the Cypher round trips of a request do not grow with the number of rows."""

from __future__ import annotations

from graph.db import Graph, counting_round_trips
from tests.api.conftest import Api

PAGE = """
query ($first: Int!) {
  customers(first: $first) {
    totalCount
    edges { node {
      id
      tags { name parent { name } customerCount }
      stage
      interactions(first: 3) {
        totalCount
        edges { node { type product { name buyerCount } customer { name } } }
      }
      totalSpend purchaseCount lastPurchaseAt
      purchasedProducts { id }
    } }
  }
}
"""

# 120 customers, each with two tags (one below a parent), a stage, and four interactions
# (three purchases of two of 10 products, and one call).
DATA = """
CREATE (root:Tag {id: 'root', name: 'Root', status: 'ACTIVE'})
WITH root
UNWIND range(0, 9) AS n
CREATE (t:Tag {id: 't' + n, name: 'Tag' + n, status: 'ACTIVE'})-[:CHILD_OF]->(root)
CREATE (:Product {id: 'p' + n, name: 'Product' + n, price: 1.0 * n})
WITH count(*) AS made
MATCH (stage:LifecycleStage {name: 'ACTIVE'})
UNWIND range(100, 219) AS n
CREATE (c:Customer {id: 'c' + n, name: 'Customer' + n})-[:IN_STAGE {since: datetime()}]->(stage)
WITH c, n
MATCH (t1:Tag {id: 't' + (n % 10)}), (t2:Tag {id: 't' + ((n + 1) % 10)}),
      (p:Product {id: 'p' + (n % 10)}), (q:Product {id: 'p' + ((n + 3) % 10)})
CREATE (c)-[:HAS_TAG {source: 'IMPORT'}]->(t1), (c)-[:HAS_TAG {source: 'IMPORT'}]->(t2)
CREATE (c)-[:HAD]->(:Interaction {id: 'a' + n, type: 'PURCHASE', amount: 2.0,
        occurredAt: datetime('2025-01-01T00:00:00Z')})-[:ABOUT]->(p)
CREATE (c)-[:HAD]->(:Interaction {id: 'b' + n, type: 'PURCHASE', amount: 3.0,
        occurredAt: datetime('2025-02-01T00:00:00Z')})-[:ABOUT]->(q)
CREATE (c)-[:HAD]->(:Interaction {id: 'd' + n, type: 'PURCHASE', amount: 5.0,
        occurredAt: datetime('2025-03-01T00:00:00Z')})-[:ABOUT]->(p)
CREATE (c)-[:HAD]->(:Interaction {id: 'e' + n, type: 'CALL',
        occurredAt: datetime('2025-04-01T00:00:00Z')})
"""


async def round_trips(api: Api, first: int) -> int:
    with counting_round_trips() as counter:
        data = await api(PAGE, first=first)
    edges = data["customers"]["edges"]
    assert len(edges) == first
    for edge in edges:
        node = edge["node"]
        assert len(node["tags"]) == 2
        assert node["tags"][0]["parent"] == {"name": "Root"}
        assert node["tags"][0]["customerCount"] == 24
        assert node["stage"] == "ACTIVE"
        assert node["interactions"]["totalCount"] == 4
        assert [e["node"]["type"] for e in node["interactions"]["edges"]] == [
            "CALL",
            "PURCHASE",
            "PURCHASE",
        ]
        products = node["interactions"]["edges"][1]["node"]["product"]
        assert products["buyerCount"] == 24
        assert node["interactions"]["edges"][0]["node"]["customer"] == {
            "name": node["id"].replace("c", "Customer")
        }
        assert (node["totalSpend"], node["purchaseCount"]) == (10.0, 3)
        assert node["lastPurchaseAt"] == "2025-03-01T00:00:00Z"
        assert len(node["purchasedProducts"]) == 2
    return counter.count


async def test_a_page_of_100_costs_what_a_page_of_1_costs(api: Api, graph: Graph) -> None:
    await graph.run_text("tests/round_trips", DATA, write=True)
    one = await round_trips(api, 1)
    hundred = await round_trips(api, 100)
    # one statement: the page and every field below it, translated (graph/views.py)
    assert hundred == one == 1


async def test_dataloaders_batch_fields_of_untranslated_parents(api: Api, graph: Graph) -> None:
    """Customers that come from a segment's page are not translated: their fields go to the
    DataLoaders, one query per field whatever the number of customers."""
    await graph.run_text("tests/round_trips", DATA, write=True)
    query = """{ segmentPreview(definition: {}) { customers(first: 100) { edges { node {
        tags { name } stage totalSpend
        interactions(first: 3) { edges { node { product { name } } } } } } } } }"""
    with counting_round_trips() as counter:
        data = await api(query)
    assert len(data["segmentPreview"]["customers"]["edges"]) == 100
    with counting_round_trips() as single:
        await api(query.replace("first: 100", "first: 1"))
    assert counter.count == single.count
    assert counter.count == 6  # segment page, tags, stage, totalSpend, interactions, products
