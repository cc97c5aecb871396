"""Translated reads through the API: one round trip for a query of graph fields whatever its
nesting, and the same answers as the DataLoaders give (on seeded graphs, every field)."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from starlette.testclient import TestClient

import resolvers.customers
from core.settings import Settings
from graph.db import Graph, counting_round_trips
from graph.ingest.seed import seed_graph
from graph.translate.projection import fragment
from graph.translate.selection import Selection
from security.masking import mask_email
from security.roles import Role
from security.tokens import mint
from server import create_app
from tests.api.conftest import Api
from tests.tokens import auth_header

# The contract's customer 360 and page of customers (../shared/peer/bench.py R1, R2).
R1 = """query ($id: ID!) { customer(id: $id) { id name email phone stage totalSpend purchaseCount
 lastPurchaseAt tags { name } purchasedProducts { id }
 interactions(first: 5) { totalCount edges { node { id } } } } }"""
R2 = """query ($a: String) { customers(first: 100, after: $a)
 { pageInfo { hasNextPage endCursor } edges { node { id name stage tags { name } } } } }"""

CUSTOMER = """
fragment everything on Customer {
  id name email phone gender birthDate city region createdAt source updatedAt owner
  stage totalSpend purchaseCount lastPurchaseAt stageHistory { stage from to __typename }
  tags { id name category description status parent { name } children { name } aliases
         customerCount customers(first: 2) { totalCount edges { cursor node { id name } } }
         later: customers(first: 2, after: "WyJDMDAwMDAwNSJd") {
           pageInfo { hasPreviousPage hasNextPage startCursor } edges { node { id } } } }
  tagAssignments { source assignedAt ruleId tag { name } }
  purchasedProducts { id sku name category price buyerCount }
  newest: interactions(first: 3) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    edges { cursor node { id type occurredAt channel amount quantity note
                          product { id name buyerCount } customer { id name stage } } }
  }
  purchases: interactions(first: 2, types: [PURCHASE]) {
    totalCount pageInfo { startCursor endCursor hasNextPage } edges { node { id } }
  }
  tasks { title }
}
"""
EVERYTHING = (
    CUSTOMER
    + """
query ($after: String) {
  customers(first: 25, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ...everything } }
  }
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


def slow(api: Api) -> Api:
    """The same caller with the fast path off: graphql-core executes every field."""
    return Api(api.graph, api.settings.model_copy(update={"fast_reads": False}), api.principal)


@pytest.mark.parametrize("seed", [1, 2])
async def test_the_three_ways_give_the_same_answers(
    api: Api, graph: Graph, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Every field of 50 customers, three ways: the fast path (no tasks selected), graphql-core
    executing the translated read, and with translation off (the root reads the customers'
    properties, every other field goes to its DataLoader)."""
    await seed_graph(graph, 50, seed=seed)
    fast_query = EVERYTHING.replace("  tasks { title }\n", "")
    for after in (None, "WyJDMDAwMDAyNSJd"):  # the cursor after C0000025
        expected = await slow(api)(EVERYTHING, after=after)
        with counting_round_trips() as fast:
            assert await api(fast_query, after=after) == without_tasks(expected)
        assert fast.count == 2  # the two root fields, one statement each
        with counting_round_trips() as translated:
            assert await api(EVERYTHING, after=after) == expected
        monkeypatch.setattr(resolvers.customers, "below", properties_below)
        with counting_round_trips() as loaded:
            assert await slow(api)(EVERYTHING, after=after) == expected
        monkeypatch.undo()
        assert fast.count < translated.count < loaded.count


def without_tasks(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: without_tasks(v) for k, v in data.items() if k != "tasks"}
    if isinstance(data, list):
        return [without_tasks(item) for item in data]
    return data


PAGES = """query ($after: String, $since: String) {
  customers(first: 3, after: $after) {
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor } edges { node { id } }
  }
  customer(id: "C0000003") {
    interactions(first: 1, after: $since) {
      pageInfo { hasPreviousPage startCursor endCursor } edges { cursor node { id } }
    }
  }
}"""


async def test_a_page_after_a_cursor_has_a_previous_page(api: Api, graph: Graph) -> None:
    """Paging forward, hasPreviousPage says whether the page started after a cursor, on the
    fast path as with the resolvers; start and end cursors are the first and last edge's."""
    await seed_graph(graph, 30, seed=4)
    first = await api(PAGES, after=None, since=None)
    assert first == await slow(api)(PAGES, after=None, since=None)
    customers, interactions = first["customers"], first["customer"]["interactions"]
    assert customers["pageInfo"]["hasPreviousPage"] is False
    assert interactions["pageInfo"]["hasPreviousPage"] is False
    assert interactions["pageInfo"]["startCursor"] == interactions["edges"][0]["cursor"]
    after, since = customers["pageInfo"]["endCursor"], interactions["pageInfo"]["endCursor"]
    second = await api(PAGES, after=after, since=since)
    assert second == await slow(api)(PAGES, after=after, since=since)
    assert [e["node"]["id"] for e in second["customers"]["edges"]] == [
        "C0000004", "C0000005", "C0000006",
    ]  # fmt: skip
    assert second["customers"]["pageInfo"]["hasPreviousPage"] is True
    assert second["customer"]["interactions"]["pageInfo"]["hasPreviousPage"] is True


async def test_the_fast_path_answers_without_resolvers(
    api: Api, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R1 and R2 never reach a resolver; a field the graph does not answer (tasks) sends
    the request through graphql-core, whose answer is the same."""
    await seed_graph(graph, 30, seed=4)
    one = await slow(api)(R1, id="C0000003")
    page = await slow(api)(R2, a=None)
    ran: list[str] = []
    for name in ("customer", "customers"):
        resolver = getattr(resolvers.customers, name)
        monkeypatch.setattr(resolvers.customers, name, recording(resolver, name, ran))
    assert await api(R1, id="C0000003") == one
    assert await api(R2, a=None) == page
    assert ran == []
    tasks = '{ customer(id: "C0000003") { name tasks { title } } }'
    assert await api(tasks) == await slow(api)(tasks)
    assert ran == ["customer", "customer"]


def recording(resolver: Any, name: str, ran: list[str]) -> Any:
    async def recorded(*args: Any, **kwargs: Any) -> Any:
        ran.append(name)
        return await resolver(*args, **kwargs)

    return recorded


def properties_below(info: Any) -> tuple[Selection, ...]:
    """What `below` selects, without the Customer fields that have fragments."""
    return properties(BELOW(info))


BELOW = resolvers.customers.below


def properties(selections: tuple[Selection, ...]) -> tuple[Selection, ...]:
    """The selection without the Customer fields that have fragments, at every level."""
    return tuple(
        Selection(s.name, s.key, s.params, properties(s.children))
        for s in selections
        if fragment("Customer", s.name) is None
    )


@pytest.mark.parametrize("fast", [True, False])
async def test_masking_and_roles_hold_on_translated_reads(
    api: Api, graph: Graph, fast: bool
) -> None:
    await seed_graph(graph, 5, seed=1)
    query = """{ customer(id: "C0000001") { email phone birthDate
                 interactions(first: 1) { edges { node { customer { email } } } } } }"""
    caller = api if fast else slow(api)
    admin = (await caller(query))["customer"]
    viewer = (await caller.as_role(Role.VIEWER)(query))["customer"]
    assert "@" in admin["email"] and viewer["email"] == mask_email(admin["email"])
    assert viewer["birthDate"] is None and admin["birthDate"] is not None
    nested = viewer["interactions"]["edges"][0]["node"]["customer"]["email"]
    assert nested == viewer["email"]


async def test_a_bad_argument_fails_its_own_field_only(api: Api, graph: Graph) -> None:
    """The fast path's strict walk leaves the request to graphql-core, which reports it."""
    await seed_graph(graph, 3, seed=1)
    result = await api.execute(
        '{ customer(id: "C0000001") { name interactions(first: 5000) { totalCount } } }'
    )
    assert result.data == {"customer": None}  # interactions is non-null: null goes up a level
    assert result.errors is not None
    [error] = [e.formatted for e in result.errors]
    assert error["path"] == ["customer", "interactions"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


def test_a_document_answered_once_skips_strawberrys_execution(
    shop: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request with a document the fast path answered goes straight to it (the
    fast lane); bad variables and anything it does not answer still take the full path."""
    query = "query ($id: ID!) { customer(id: $id) { name email tags { name } } }"
    with TestClient(create_app(settings)) as client:

        def post(body: dict[str, Any], role: Role | None = Role.VIEWER) -> Any:
            headers = auth_header(role) if role else {}
            return client.post("/graphql", json=body, headers=headers).json()

        first = post({"query": query, "variables": {"id": "c1"}})
        assert first == {
            "data": {
                "customer": {"name": "Alice", "email": "a***@example.com",
                             "tags": [{"name": "Gold"}, {"name": "VIP"}]}
            }
        }  # fmt: skip
        executed: list[str | None] = []
        execute = strawberry.Schema.execute

        async def recorded(self: Any, query: str | None, *args: Any, **kwargs: Any) -> Any:
            executed.append(query)
            return await execute(self, query, *args, **kwargs)

        monkeypatch.setattr(strawberry.Schema, "execute", recorded)
        again = post({"query": query, "variables": {"id": "c2"}})
        assert again == {"data": {"customer": {"name": "Bob", "email": None,
                                               "tags": [{"name": "VIP"}]}}}  # fmt: skip
        assert executed == []  # answered by the fast lane
        anonymous = post({"query": query, "variables": {"id": "c1"}}, role=None)
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        bad = post({"query": query, "variables": {"id": None}})
        assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        # a valid token without a c360 role: the fast lane's role check sends it through
        roleless = mint(settings, roles=[], subject="stranger", ttl_s=60)
        refused = client.post(
            "/graphql",
            json={"query": query, "variables": {"id": "c1"}},
            headers={"Authorization": f"Bearer {roleless}"},
        ).json()
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert executed == [query, query]  # through Strawberry, which reported them


def test_a_query_executed_once_without_errors_skips_strawberrys_execution(
    shop: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query the fast path does not answer (a segment count here) is executed by
    graphql-core directly the second time; one that errors goes back through Strawberry's
    execution, which codes and masks the error; mutations are never remembered."""
    query = "query ($t: String!) { segmentPreview(definition: {anyTags: [$t]}) { count } }"
    mutation = 'mutation { upsertCustomer(input: {id: "c9", name: "Zed"}) { id name } }'
    with TestClient(create_app(settings)) as client:

        def post(body: dict[str, Any]) -> Any:
            return client.post("/graphql", json=body, headers=auth_header(Role.ADMIN)).json()

        first = post({"query": query, "variables": {"t": "VIP"}})
        assert first == {"data": {"segmentPreview": {"count": 2}}}
        assert post({"query": mutation}) == {
            "data": {"upsertCustomer": {"id": "c9", "name": "Zed"}}
        }
        executed: list[str | None] = []
        execute = strawberry.Schema.execute

        async def recorded(self: Any, query: str | None, *args: Any, **kwargs: Any) -> Any:
            executed.append(query)
            return await execute(self, query, *args, **kwargs)

        monkeypatch.setattr(strawberry.Schema, "execute", recorded)
        assert post({"query": query, "variables": {"t": "Gold"}}) == {
            "data": {"segmentPreview": {"count": 1}}
        }
        assert executed == []  # executed again by graphql-core alone
        unknown = post({"query": query, "variables": {"t": "Platinum"}})
        assert unknown["data"] is None
        assert [e["extensions"]["code"] for e in unknown["errors"]] == ["BAD_USER_INPUT"]
        assert executed == [query]  # the error went through Strawberry, which coded it
        assert post({"query": mutation}) == {
            "data": {"upsertCustomer": {"id": "c9", "name": "Zed"}}
        }
        assert executed == [query, mutation]


NAMELESS = "CREATE (:Customer {id: 'C0000099', createdAt: datetime('2026-01-01T00:00:00Z')})"


async def test_a_null_where_the_schema_says_non_null_is_graphql_cores_error(
    api: Api, graph: Graph
) -> None:
    """A customer written around the API without its (non-null) name: the fast path leaves
    the request to graphql-core, whose answer (a null customer and the error at its path) is
    the same as with the fast path off."""
    await graph.run_text("tests/nameless", NAMELESS, write=True)
    query = '{ customer(id: "C0000099") { id name } }'
    fast, ordinary = await api.execute(query), await slow(api).execute(query)
    assert fast.data == ordinary.data == {"customer": None}
    assert fast.errors is not None and ordinary.errors is not None
    for errors in (fast.errors, ordinary.errors):  # the same, but for each request's id
        [error] = errors
        assert error.path == ["customer", "name"]
        assert error.formatted["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
