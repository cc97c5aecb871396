"""Query.customer, Query.customers and every Customer field on the hand-built shop."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from graph.db import Graph, counting_round_trips
from graph.migrate import refresh_purchase_totals
from tests.api.conftest import Api

CUSTOMER = """
query ($id: ID!) {
  customer(id: $id) {
    id name email phone gender birthDate city region createdAt source updatedAt
    tags { name }
    stage
    purchasedProducts { id name }
    totalSpend purchaseCount lastPurchaseAt
  }
}
"""


async def test_customer_with_every_field(api: Api, shop: Any) -> None:
    data = await api(CUSTOMER, id="c1")
    assert data["customer"] == {
        "id": "c1",
        "name": "Alice",
        "email": "alice@example.com",
        "phone": "+8613812345678",
        "gender": "F",
        "birthDate": "1990-04-01",
        "city": "Shanghai",
        "region": "East",
        "createdAt": "2024-12-01T09:30:00Z",
        "source": "web",
        "updatedAt": "2024-12-02T09:30:00Z",
        "tags": [{"name": "Gold"}, {"name": "VIP"}],
        "stage": "LOYAL",
        "purchasedProducts": [{"id": "p1", "name": "Tea"}, {"id": "p2", "name": "Cup"}],
        "totalSpend": 35.5,
        "purchaseCount": 3,
        "lastPurchaseAt": "2025-03-05T00:00:00Z",
    }


async def test_customer_with_nothing_but_a_name(api: Api, shop: Any) -> None:
    data = await api(CUSTOMER, id="c3")
    assert data["customer"] == {
        "id": "c3",
        "name": "Carol",
        "email": None,
        "phone": None,
        "gender": None,
        "birthDate": None,
        "city": None,
        "region": None,
        "createdAt": None,
        "source": None,
        "updatedAt": None,
        "tags": [{"name": "Old"}],  # deprecated tags still show where they are held
        "stage": None,
        "purchasedProducts": [],
        "totalSpend": 0.0,
        "purchaseCount": 0,
        "lastPurchaseAt": None,
    }


async def test_unknown_customer_is_null(api: Api, shop: Any) -> None:
    assert await api(CUSTOMER, id="nobody") == {"customer": None}


async def test_purchase_figures_of_another_customer(api: Api, shop: Any) -> None:
    data = await api(CUSTOMER, id="c2")
    customer = data["customer"]
    assert (customer["totalSpend"], customer["purchaseCount"], customer["lastPurchaseAt"]) == (
        10.5,
        1,
        "2025-01-15T12:00:00Z",
    )
    assert customer["stage"] == "ACTIVE"
    assert customer["tags"] == [{"name": "VIP"}]
    assert customer["purchasedProducts"] == [{"id": "p1", "name": "Tea"}]


PAGE = """
query ($first: Int, $after: String) {
  customers(first: $first, after: $after) {
    edges { cursor node { id } }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
    totalCount
  }
}
"""


async def make_customers(api: Api, ids: list[str]) -> None:
    await api.graph.run_text(
        "tests/customers",
        "UNWIND $ids AS id CREATE (:Customer {id: id, name: 'n-' + id})",
        write=True,
        ids=ids,
    )


async def test_customers_walks_every_page_in_id_order(api: Api, graph: Any) -> None:
    ids = [f"k{n:02}" for n in range(23)]
    await make_customers(api, list(reversed(ids)))
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = (await api(PAGE, first=5, after=after))["customers"]
        pages += 1
        assert data["totalCount"] == 23
        edges = data["edges"]
        seen += [edge["node"]["id"] for edge in edges]
        info = data["pageInfo"]
        assert info["endCursor"] == edges[-1]["cursor"]
        assert info["startCursor"] == edges[0]["cursor"]
        assert info["hasPreviousPage"] is (after is not None)  # PageInfo's description
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == ids
    assert pages == 5
    assert len(edges) == 3


async def test_customers_default_page_is_twenty(api: Api, graph: Any) -> None:
    await make_customers(api, [f"k{n:02}" for n in range(21)])
    data = (await api("{ customers { edges { node { id } } pageInfo { hasNextPage } } }"))[
        "customers"
    ]
    assert len(data["edges"]) == 20
    assert data["pageInfo"]["hasNextPage"] is True


async def test_customers_last_page_exactly_full_has_no_next(api: Api, graph: Any) -> None:
    await make_customers(api, ["a", "b", "c", "d"])
    first = (await api(PAGE, first=2))["customers"]
    second = (await api(PAGE, first=2, after=first["pageInfo"]["endCursor"]))["customers"]
    assert [e["node"]["id"] for e in second["edges"]] == ["c", "d"]
    assert second["pageInfo"]["hasNextPage"] is False


async def test_customers_first_zero_and_empty_graph(api: Api, graph: Any) -> None:
    data = (await api(PAGE, first=0))["customers"]
    assert data == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "endCursor": None,
            "hasPreviousPage": False,
            "startCursor": None,
        },
        "totalCount": 0,
    }
    await make_customers(api, ["a"])
    data = (await api(PAGE, first=0))["customers"]
    assert data["edges"] == []
    assert data["pageInfo"]["hasNextPage"] is True
    assert data["totalCount"] == 1


async def test_customers_first_may_be_the_maximum(api: Api, graph: Any) -> None:
    await make_customers(api, ["a", "b"])
    data = (await api(PAGE, first=api.settings.max_page_size))["customers"]
    assert [e["node"]["id"] for e in data["edges"]] == ["a", "b"]


async def test_customers_first_out_of_range(api: Api, graph: Any) -> None:
    for first in (-1, api.settings.max_page_size + 1):
        error = await api.error(PAGE, first=first)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
        assert error["message"].startswith("first: must be between 0 and 1000")
        assert error["path"] == ["customers"]


async def test_customers_malformed_cursor(api: Api, graph: Any) -> None:
    interaction_cursor = "WzE3MzU3MjU2MDAsMCwiaTEiXQ=="  # [1735725600,0,"i1"]: another connection
    for after in ("not a cursor", "", "bnVsbA==", "WzFd", interaction_cursor):
        error = await api.error(PAGE, after=after)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}, after
        assert error["message"].startswith("after: "), after
        assert "is not a cursor of this connection" in error["message"]


async def test_cursor_is_opaque_base64_of_the_sort_key(api: Api, graph: Any) -> None:
    import base64
    import json

    await make_customers(api, ["a"])
    cursor = (await api(PAGE, first=1))["customers"]["edges"][0]["cursor"]
    assert json.loads(base64.urlsafe_b64decode(cursor)) == ["a"]


async def test_customer_edges_carry_every_field(api: Api, shop: Any) -> None:
    data = await api(
        "{ customers(first: 2) { edges { node { id name tags { name } stage totalSpend } } } }"
    )
    assert [edge["node"] for edge in data["customers"]["edges"]] == [
        {
            "id": "c1",
            "name": "Alice",
            "tags": [{"name": "Gold"}, {"name": "VIP"}],
            "stage": "LOYAL",
            "totalSpend": 35.5,
        },
        {
            "id": "c2",
            "name": "Bob",
            "tags": [{"name": "VIP"}],
            "stage": "ACTIVE",
            "totalSpend": 10.5,
        },
    ]


async def test_lifecycle_funnel_lists_all_stages_with_zeros(api: Api, shop: Any) -> None:
    data = await api("{ lifecycleFunnel { stage customers } }")
    assert data["lifecycleFunnel"] == [
        {"stage": "PROSPECT", "customers": 0},
        {"stage": "NEW", "customers": 0},  # c1 was NEW: history does not count
        {"stage": "ACTIVE", "customers": 1},
        {"stage": "LOYAL", "customers": 1},
        {"stage": "AT_RISK", "customers": 0},
        {"stage": "DORMANT", "customers": 0},
        {"stage": "CHURNED", "customers": 0},
    ]


async def test_lifecycle_funnel_on_an_empty_graph(api: Api, graph: Any) -> None:
    data = await api("{ lifecycleFunnel { stage customers } }")
    assert [row["customers"] for row in data["lifecycleFunnel"]] == [0] * 7
    assert len(data["lifecycleFunnel"]) == 7


PURCHASE_FIGURES = (
    "query ($id: ID!) { customer(id: $id) { totalSpend purchaseCount lastPurchaseAt } }"
)


async def test_purchase_figures_with_and_without_stored_ones(api: Api, graph: Graph) -> None:
    """The figures are read from the customer (cypher/customers/purchase_totals.cypher) where
    stored, and counted from its purchases where not (a graph written around the importer):
    the same answers either way."""
    await graph.run_text(
        "t",
        "CREATE (c:Customer {id: 'x', name: 'X'}) "
        "CREATE (c)-[:HAD]->(:Interaction {id: 'x1', type: 'PURCHASE', amount: 2.5, "
        "        occurredAt: datetime('2025-05-01T00:00:00Z')}) "
        "CREATE (c)-[:HAD]->(:Interaction {id: 'x2', type: 'PURCHASE', "
        "        occurredAt: datetime('2025-04-01T00:00:00Z')}) "
        "CREATE (c)-[:HAD]->(:Interaction {id: 'x3', type: 'VIEW', "
        "        occurredAt: datetime('2025-06-01T00:00:00Z')})",
        write=True,
    )
    expected = {"totalSpend": 2.5, "purchaseCount": 2, "lastPurchaseAt": "2025-05-01T00:00:00Z"}
    assert (await api(PURCHASE_FIGURES, id="x"))["customer"] == expected
    assert await refresh_purchase_totals(graph) == 1
    [stored] = await graph.run_text(
        "t",
        "MATCH (c:Customer {id: 'x'}) "
        "RETURN c.purchaseTotal AS total, c.purchaseCount AS purchases, c.lastPurchaseAt AS last",
    )
    assert stored == {"total": 2.5, "purchases": 2, "last": datetime(2025, 5, 1, tzinfo=UTC)}
    assert (await api(PURCHASE_FIGURES, id="x"))["customer"] == expected


HISTORY = "query ($id: ID!) { customer(id: $id) { stageHistory { stage from to } } }"


async def test_stage_history_oldest_first_the_current_last(api: Api, shop: Graph) -> None:
    history = (await api(HISTORY, id="c1"))["customer"]["stageHistory"]
    assert history == [
        {"stage": "NEW", "from": "2024-12-01T09:30:00Z", "to": "2025-03-05T00:00:00Z"},
        {"stage": "LOYAL", "from": "2025-03-05T00:00:00Z", "to": None},
    ]
    assert (await api(HISTORY, id="c3"))["customer"]["stageHistory"] == []
    await api('mutation { setStage(customerId: "c2", stage: AT_RISK) { id } }')
    moved = (await api(HISTORY, id="c2"))["customer"]["stageHistory"]
    assert [(span["stage"], span["to"] is None) for span in moved] == [
        ("ACTIVE", False),
        ("AT_RISK", True),
    ]
    assert moved[0]["from"] == "2025-01-15T12:00:00Z" and moved[0]["to"] == moved[1]["from"]


async def test_stage_history_of_a_page_is_one_round_trip(api: Api, shop: Graph) -> None:
    with counting_round_trips() as counter:
        data = await api(
            "{ customers(first: 10) { edges { node { id stageHistory { stage } } } } }"
        )
    assert counter.count == 1
    assert [len(e["node"]["stageHistory"]) for e in data["customers"]["edges"]] == [2, 1, 0]


WHERE = """
query ($where: SegmentDefinition, $asOf: DateTime, $first: Int, $after: String) {
  customers(where: $where, asOf: $asOf, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id name stage } }
  }
}
"""


async def test_customers_where_filters_with_the_segment_language(api: Api, shop: Graph) -> None:
    def ids(data: dict[str, Any]) -> list[str]:
        return [edge["node"]["id"] for edge in data["customers"]["edges"]]

    everyone = await api(WHERE)
    assert ids(everyone) == ["c1", "c2", "c3"]
    vip = await api(WHERE, where={"anyTags": ["VIP"]})
    assert (ids(vip), vip["customers"]["totalCount"]) == (["c1", "c2"], 2)
    first = await api(WHERE, where={"anyTags": ["VIP"]}, first=1)
    assert ids(first) == ["c1"] and first["customers"]["pageInfo"]["hasNextPage"]
    rest = await api(
        WHERE,
        where={"anyTags": ["VIP"]},
        first=1,
        after=first["customers"]["pageInfo"]["endCursor"],
    )
    assert ids(rest) == ["c2"] and not rest["customers"]["pageInfo"]["hasNextPage"]
    assert ids(await api(WHERE, where={"stages": ["LOYAL"]})) == ["c1"]
    # asOf as in segmentPreview: c1 was NEW until 2025-03-05
    assert ids(await api(WHERE, where={"stages": ["NEW"]}, asOf="2025-01-01T00:00:00Z")) == []
    # bad input names the argument
    error = await api.error(WHERE, where={"minAge": -1})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "where.minAge"}
    unknown = await api.error(WHERE, where={"anyTags": ["Nope"]})
    assert (unknown["message"], unknown["extensions"]) == (
        "where.anyTags: unknown tag 'Nope'",
        {"code": "BAD_USER_INPUT", "field": "where.anyTags"},
    )


ORDERED = """
query ($order: CustomerOrder, $first: Int, $after: String, $last: Int, $before: String) {
  customers(orderBy: $order, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}
"""
PROPERTIES = {
    "ID": "id",
    "NAME": "name",
    "CREATED_AT": "createdAt",
    "TOTAL_SPEND": "purchaseTotal",
    "LAST_PURCHASE_AT": "lastPurchaseAt",
}


async def expected_order(graph: Graph, field: str, descending: bool) -> list[str]:
    """The contract's order computed here: by the value (missing ones after the rest), ties
    and the missing by id ascending."""
    rows = await graph.run_text(
        "tests/values", "MATCH (c:Customer) RETURN c.id AS id, c[$p] AS value", p=PROPERTIES[field]
    )
    present = [row for row in rows if row["value"] is not None]
    missing = sorted(row["id"] for row in rows if row["value"] is None)
    present.sort(key=lambda row: row["id"])
    present.sort(key=lambda row: row["value"], reverse=descending)  # stable: ties stay by id
    return [row["id"] for row in present] + missing


async def test_customers_in_every_order_both_ways_page_by_page(api: Api, shop: Graph) -> None:
    await api(UPSERT_TWIN)  # a second "Alice": a tie on NAME, broken by id
    for field in PROPERTIES:
        for direction in ("ASC", "DESC"):
            order = {"field": field, "direction": direction}
            expected = await expected_order(shop, field, direction == "DESC")
            whole = (await api(ORDERED, order=order, first=10))["customers"]
            assert [e["node"]["id"] for e in whole["edges"]] == expected, order
            # forward one at a time
            seen, after = [], None
            while True:
                page = (await api(ORDERED, order=order, first=1, after=after))["customers"]
                seen += [e["node"]["id"] for e in page["edges"]]
                assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            assert seen == expected, order
            # backward one at a time, from the end
            back, before = [], None
            while True:
                page = (await api(ORDERED, order=order, last=1, before=before))["customers"]
                back = [e["node"]["id"] for e in page["edges"]] + back
                if not page["pageInfo"]["hasPreviousPage"]:
                    break
                before = page["pageInfo"]["startCursor"]
            assert back == expected, order
            last_two = (await api(ORDERED, order=order, last=2))["customers"]
            assert [e["node"]["id"] for e in last_two["edges"]] == expected[-2:]
            assert last_two["totalCount"] == len(expected)


UPSERT_TWIN = 'mutation { upsertCustomer(input: {id: "c0", name: "Alice"}) { id } }'


async def test_order_and_paging_refuse_what_does_not_fit(api: Api, shop: Graph) -> None:
    by_name = {"field": "NAME", "direction": "ASC"}
    first = (await api(ORDERED, order=by_name, first=1))["customers"]
    cursor = first["pageInfo"]["endCursor"]
    # a cursor of another order (or of the plain list under an order) names its argument
    other = await api.error(ORDERED, order={"field": "NAME", "direction": "DESC"}, after=cursor)
    assert other["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    plain = (await api(ORDERED, first=1))["customers"]["pageInfo"]["endCursor"]
    assert (await api.error(ORDERED, order=by_name, before=plain))["extensions"]["field"] == (
        "before"
    )
    both = await api.error(ORDERED, first=1, last=1)
    assert both["extensions"] == {"code": "BAD_USER_INPUT", "field": "last"}
    assert (await api.error(ORDERED, last=1, after=cursor))["extensions"]["field"] == "after"
    unknown = await api.error(
        'query { customers(where: {anyTags: ["Nope"]}, orderBy: {field: NAME}) { totalCount } }'
    )
    assert unknown["extensions"] == {"code": "BAD_USER_INPUT", "field": "where.anyTags"}
    by_spend = {"field": "TOTAL_SPEND", "direction": "DESC"}
    east = await api(
        'query ($o: CustomerOrder, $l: Int) { customers(where: {regions: ["East", "North"]}, '
        "orderBy: $o, last: $l) { totalCount edges { node { id } } } }",
        o=by_spend,
        l=1,
    )
    # c1 (East, 35.5) then c2 (North, 10.5): the last one is c2
    assert east["customers"] == {"totalCount": 2, "edges": [{"node": {"id": "c2"}}]}
    # the default order's cursors page either way
    back = (await api(ORDERED, last=1, before=plain))["customers"]
    assert [e["node"]["id"] for e in back["edges"]] == []  # nothing before the first
    next_page = (await api(ORDERED, first=1, after=plain))["customers"]
    assert [e["node"]["id"] for e in next_page["edges"]] == ["c2"]


async def test_every_order_pages_through_many_ties_and_gaps(api: Api, graph: Graph) -> None:
    """Index-backed pages (cypher/views/customers_ordered.cypher) on 40 customers whose values
    repeat (groups of ties larger than a page) and are often missing: every order, both ways,
    three at a time, gives exactly the contract's order."""
    rng = random.Random(16)
    names = ["王伟", "李娜", "Anna", "anna", "Zoë"]
    totals = [0.0, 0.0, 12.5, 99.0, 1e6]
    moments = ["2025-01-01T00:00:00Z", "2025-06-01T12:30:00.5Z", "2026-01-01T00:00:00Z"]
    await graph.run_text(
        "tests/ordered",
        "UNWIND $rows AS row CREATE (c:Customer {id: row.id, name: row.name}) "
        "SET c.purchaseTotal = row.total, c.createdAt = datetime(row.created), "
        "    c.lastPurchaseAt = datetime(row.last)",
        write=True,
        rows=[
            {
                "id": f"k{n:02d}",
                "name": rng.choice(names),
                "total": rng.choice([*totals, None]),
                "created": rng.choice(moments),
                "last": rng.choice([*moments, None, None]),
            }
            for n in rng.sample(range(100), 40)
        ],
    )
    rich = {
        row["id"]
        for row in await graph.run_text(
            "t",
            "MATCH (c:Customer) WHERE c.purchaseTotal >= 10 AND c.lastPurchaseAt <= datetime() "
            "RETURN c.id AS id",
        )
    }  # the stored totals (a graph written without interactions)
    for field in PROPERTIES:
        for direction in ("ASC", "DESC"):
            order = {"field": field, "direction": direction}
            expected = await expected_order(graph, field, direction == "DESC")
            assert await walk(api, order) == expected, order
            # with `where`: the members, in the same order (cypher/segments/ordered_page)
            members = [customer for customer in expected if customer in rich]
            assert 5 < len(members) < len(expected)
            assert await walk(api, order, {"minTotalSpend": 10}) == members, order


WALK = """
query ($order: CustomerOrder, $where: SegmentDefinition, $first: Int, $after: String,
       $last: Int, $before: String) {
  customers(orderBy: $order, where: $where, first: $first, after: $after, last: $last,
            before: $before) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { node { id } }
  }
}
"""


async def walk(api: Api, order: dict[str, str], where: dict[str, Any] | None = None) -> list[str]:
    """Every customer in `order`, three at a time forward; the same backward (checked equal)."""
    seen: list[str] = []
    after = None
    while True:
        page = (await api(WALK, order=order, where=where, first=3, after=after))["customers"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    back: list[str] = []
    before = None
    while True:
        page = (await api(WALK, order=order, where=where, last=3, before=before))["customers"]
        back = [e["node"]["id"] for e in page["edges"]] + back
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert back == seen, ("backward", order, where)
    return seen
