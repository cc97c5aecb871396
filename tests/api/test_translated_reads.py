"""Translated reads through the API: one round trip for a query of graph fields whatever its
nesting, and the same answers as the DataLoaders give (on seeded graphs, every field)."""

from __future__ import annotations

from typing import Any

import pytest

import resolvers.customers
from graph.db import Graph, counting_round_trips
from graph.ingest.seed import seed_graph
from graph.translate.projection import fragment
from graph.translate.selection import Selection
from security.masking import mask_email
from security.roles import Role
from tests.api.conftest import Api

# The contract's customer 360 and page of customers (../shared/peer/bench.py R1, R2).
R1 = """query ($id: ID!) { customer(id: $id) { id name email phone stage totalSpend purchaseCount
 lastPurchaseAt tags { name } purchasedProducts { id }
 interactions(first: 5) { totalCount edges { node { id } } } } }"""
R2 = """query ($a: String) { customers(first: 100, after: $a)
 { pageInfo { hasNextPage endCursor } edges { node { id name stage tags { name } } } } }"""

CUSTOMER = """
fragment everything on Customer {
  id name email phone gender birthDate city region createdAt source updatedAt owner
  stage totalSpend purchaseCount lastPurchaseAt
  tags { id name category description status parent { name } children { name } aliases
         customerCount customers(first: 2) { totalCount edges { cursor node { id name } } } }
  tagAssignments { source assignedAt ruleId tag { name } }
  purchasedProducts { id sku name category price buyerCount }
  newest: interactions(first: 3) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id type occurredAt channel amount quantity note
                          product { id name buyerCount } customer { id name stage } } }
  }
  purchases: interactions(first: 2, types: [PURCHASE]) { totalCount edges { node { id } } }
  tasks { title }
}
"""
EVERYTHING = (
    CUSTOMER
    + """
query ($after: String) {
  customers(first: 25, after: $after) { totalCount edges { cursor node { ...everything } } }
  one: customer(id: "C0000007") { ...everything }
}"""
)


async def test_r1_and_r2_are_one_round_trip(api: Api, graph: Graph) -> None:
    await seed_graph(graph, 120, seed=3)
    with counting_round_trips() as counter:
        one = await api(R1, id="C0000042")
    assert counter.count == 1
    assert one["customer"]["id"] == "C0000042"
    with counting_round_trips() as counter:
        page = await api(R2, a=None)
    assert counter.count == 1
    assert len(page["customers"]["edges"]) == 100
    with counting_round_trips() as counter:
        rest = await api(R2, a=page["customers"]["pageInfo"]["endCursor"])
    assert counter.count == 1
    assert [e["node"]["id"] for e in rest["customers"]["edges"]] == [
        f"C{n:07d}" for n in range(101, 121)
    ]


async def test_deep_nesting_is_still_one_round_trip(api: Api, graph: Graph) -> None:
    await seed_graph(graph, 40, seed=5)
    deep = """{ customers(first: 10) { edges { node {
      interactions(first: 4) { edges { node { product { buyerCount } customer {
        tags { parent { name } customerCount } purchasedProducts { name } } } } } } } } }"""
    with counting_round_trips() as counter:
        data = await api(deep)
    assert counter.count == 1
    assert len(data["customers"]["edges"]) == 10


@pytest.mark.parametrize("seed", [1, 2])
async def test_translated_answers_equal_the_dataloaders(
    api: Api, graph: Graph, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Every field of 50 customers, both ways: translated, and with translation off (the root
    reads the customers' properties, every other field goes to its DataLoader)."""
    await seed_graph(graph, 50, seed=seed)
    pages: list[Any] = []
    for after in (None, "WyJDMDAwMDAyNSJd"):  # the cursor after C0000025
        pages.append(await api(EVERYTHING, after=after))
    with counting_round_trips() as translated:
        await api(EVERYTHING, after=None)
    selected = resolvers.customers.below
    monkeypatch.setattr(resolvers.customers, "below", lambda info: properties(selected(info)))
    with counting_round_trips() as loaded:
        assert await api(EVERYTHING, after=None) == pages[0]
    assert await api(EVERYTHING, after="WyJDMDAwMDAyNSJd") == pages[1]
    assert translated.count < loaded.count


def properties(selections: tuple[Selection, ...]) -> tuple[Selection, ...]:
    """The selection without the Customer fields that have fragments, at every level."""
    return tuple(
        Selection(s.name, s.key, s.params, properties(s.children))
        for s in selections
        if fragment("Customer", s.name) is None
    )


async def test_masking_and_roles_hold_on_translated_reads(api: Api, graph: Graph) -> None:
    await seed_graph(graph, 5, seed=1)
    query = """{ customer(id: "C0000001") { email phone birthDate
                 interactions(first: 1) { edges { node { customer { email } } } } } }"""
    admin = (await api(query))["customer"]
    viewer = (await api.as_role(Role.VIEWER)(query))["customer"]
    assert "@" in admin["email"] and viewer["email"] == mask_email(admin["email"])
    assert viewer["birthDate"] is None and admin["birthDate"] is not None
    nested = viewer["interactions"]["edges"][0]["node"]["customer"]["email"]
    assert nested == viewer["email"]


async def test_a_bad_argument_fails_its_own_field_only(api: Api, graph: Graph) -> None:
    await seed_graph(graph, 3, seed=1)
    result = await api.execute(
        '{ customer(id: "C0000001") { name interactions(first: 5000) { totalCount } } }'
    )
    assert result.data == {"customer": None}  # interactions is non-null: null goes up a level
    assert result.errors is not None
    [error] = [e.formatted for e in result.errors]
    assert error["path"] == ["customer", "interactions"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
