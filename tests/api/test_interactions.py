"""Customer.interactions: order, filters, pagination, and the Interaction fields."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.api.conftest import Api

INTERACTIONS = """
query ($id: ID!, $first: Int, $after: String, $types: [InteractionType!], $since: DateTime) {
  customer(id: $id) {
    interactions(first: $first, after: $after, types: $types, since: $since) {
      edges { cursor node { id } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
}
"""


async def ids(api: Api, **variables: Any) -> tuple[list[str], int, bool]:
    data = (await api(INTERACTIONS, id="c1", **variables))["customer"]["interactions"]
    return (
        [edge["node"]["id"] for edge in data["edges"]],
        data["totalCount"],
        data["pageInfo"]["hasNextPage"],
    )


async def test_newest_first_then_id(api: Api, shop: Any) -> None:
    # i2 and i3 happened at the same moment: id ascending breaks the tie
    assert await ids(api) == (["i5", "i4", "i2", "i3", "i1"], 5, False)


async def test_every_interaction_field(api: Api, shop: Any) -> None:
    data = await api(
        """{ customer(id: "c1") { interactions(first: 5) { edges { node {
             id type occurredAt channel amount quantity note
             product { id name } customer { id name } } } } } }"""
    )
    nodes = [edge["node"] for edge in data["customer"]["interactions"]["edges"]]
    alice = {"id": "c1", "name": "Alice"}
    assert nodes == [
        {
            "id": "i5",
            "type": "PURCHASE",
            "occurredAt": "2025-03-05T00:00:00Z",
            "channel": None,
            "amount": 10.5,
            "quantity": 1,
            "note": None,
            "product": {"id": "p1", "name": "Tea"},
            "customer": alice,
        },
        {
            "id": "i4",
            "type": "CALL",
            "occurredAt": "2025-03-01T08:00:00Z",
            "channel": "phone",
            "amount": None,
            "quantity": None,
            "note": "asked",
            "product": None,
            "customer": alice,
        },
        {
            "id": "i2",
            "type": "PURCHASE",
            "occurredAt": "2025-02-01T10:00:00Z",
            "channel": "store",
            "amount": 4.0,
            "quantity": 1,
            "note": None,
            "product": {"id": "p2", "name": "Cup"},
            "customer": alice,
        },
        {
            "id": "i3",
            "type": "VIEW",
            "occurredAt": "2025-02-01T10:00:00Z",
            "channel": "web",
            "amount": None,
            "quantity": None,
            "note": None,
            "product": {"id": "p3", "name": "Pot"},
            "customer": alice,
        },
        {
            "id": "i1",
            "type": "PURCHASE",
            "occurredAt": "2025-01-01T10:00:00Z",
            "channel": "web",
            "amount": 21.0,
            "quantity": 2,
            "note": None,
            "product": {"id": "p1", "name": "Tea"},
            "customer": alice,
        },
    ]


async def test_pages_cut_across_a_tie(api: Api, shop: Any) -> None:
    seen: list[str] = []
    after = None
    while True:
        data = (await api(INTERACTIONS, id="c1", first=2, after=after))["customer"]
        page = data["interactions"]
        assert page["totalCount"] == 5
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["i5", "i4", "i2", "i3", "i1"]
    # the page boundary fell between the two interactions of 2025-02-01T10:00
    first_two = await ids(api, first=3)
    assert first_two == (["i5", "i4", "i2"], 5, True)


async def test_default_first_is_twenty(api: Api, graph: Any) -> None:
    await graph.run_text(
        "tests/many",
        """CREATE (c:Customer {id: 'c1', name: 'A'}) WITH c
           UNWIND range(1, 25) AS n
           CREATE (c)-[:HAD]->(:Interaction {id: 'x' + toString(100 + n), type: 'EMAIL',
                  occurredAt: datetime('2025-01-01T00:00:00Z') + duration({days: n})})""",
        write=True,
    )
    got, total, has_next = await ids(api)
    assert got == [f"x{100 + n}" for n in range(25, 5, -1)]
    assert (total, has_next) == (25, True)


async def test_filter_by_types(api: Api, shop: Any) -> None:
    assert await ids(api, types=["PURCHASE"]) == (["i5", "i2", "i1"], 3, False)
    assert await ids(api, types=["VIEW", "CALL"]) == (["i4", "i3"], 2, False)
    assert await ids(api, types=["TICKET"]) == ([], 0, False)
    assert await ids(api, types=[]) == ([], 0, False)  # an empty list matches no type


async def test_filter_since_includes_the_moment(api: Api, shop: Any) -> None:
    assert await ids(api, since="2025-02-01T10:00:00Z") == (["i5", "i4", "i2", "i3"], 4, False)
    # the same moment written with an offset
    assert await ids(api, since="2025-02-01T18:00:00+08:00") == (
        ["i5", "i4", "i2", "i3"],
        4,
        False,
    )
    assert await ids(api, since="2025-02-01T10:00:01Z") == (["i5", "i4"], 2, False)


async def test_filters_combine_and_paginate(api: Api, shop: Any) -> None:
    got, total, has_next = await ids(api, types=["PURCHASE"], since="2025-01-01T10:00:00Z", first=1)
    assert (got, total, has_next) == (["i5"], 3, True)
    data = (await api(INTERACTIONS, id="c1", types=["PURCHASE"], first=1))["customer"]
    after = data["interactions"]["pageInfo"]["endCursor"]
    assert await ids(api, types=["PURCHASE"], first=5, after=after) == (["i2", "i1"], 3, False)


async def test_customer_without_interactions(api: Api, shop: Any) -> None:
    data = await api(INTERACTIONS, id="c3")
    assert data["customer"]["interactions"] == {
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "totalCount": 0,
    }


async def test_nanosecond_times_page_exactly(api: Api, graph: Any) -> None:
    await graph.run_text(
        "tests/nanos",
        """CREATE (c:Customer {id: 'c1', name: 'A'})
           CREATE (c)-[:HAD]->(:Interaction {id: 'a', type: 'CALL',
                  occurredAt: datetime('2025-01-01T00:00:00.000000001Z')})
           CREATE (c)-[:HAD]->(:Interaction {id: 'b', type: 'CALL',
                  occurredAt: datetime('2025-01-01T00:00:00.000000002Z')})
           CREATE (c)-[:HAD]->(:Interaction {id: 'c', type: 'CALL',
                  occurredAt: datetime('2025-01-01T09:00:00.000000001+09:00')})
           CREATE (c)-[:HAD]->(:Interaction {id: 'd', type: 'CALL',
                  occurredAt: datetime('2024-12-31T19:00:00.000000001-05:00')})""",
        write=True,
    )
    # c and d are the same instant as a (stored with other offsets); b is 1 ns later
    seen: list[str] = []
    after = None
    for _ in range(4):
        data = (await api(INTERACTIONS, id="c1", first=1, after=after))["customer"]
        seen += [edge["node"]["id"] for edge in data["interactions"]["edges"]]
        after = data["interactions"]["pageInfo"]["endCursor"]
    assert seen == ["b", "a", "c", "d"]
    since = "2025-01-01T00:00:00.000001Z"  # after all of them (microseconds: the finest input)
    assert await ids(api, since=since) == ([], 0, False)
    assert await ids(api, since="2025-01-01T00:00:00Z") == (["b", "a", "c", "d"], 4, False)


async def test_first_out_of_range(api: Api, shop: Any) -> None:
    error = await api.error(INTERACTIONS, id="c1", first=1001)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert error["path"] == ["customer", "interactions"]


async def test_malformed_cursor(api: Api, shop: Any) -> None:
    customer_cursor = "WyJjMSJd"  # ["c1"]: a cursor of Query.customers
    too_big = base64.urlsafe_b64encode(json.dumps([2**64, 0, "i1"]).encode()).decode()
    for after in ("garbage", customer_cursor, too_big, "Ω"):
        error = await api.error(INTERACTIONS, id="c1", after=after)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
        assert "is not a cursor of this connection" in error["message"]


async def test_bad_since_and_type_are_request_errors(api: Api, shop: Any) -> None:
    error = await api.error(INTERACTIONS, id="c1", since="yesterday")
    assert "$since" in error["message"]
    assert "not an ISO 8601 time" in error["message"]
    error = await api.error(INTERACTIONS, id="c1", types=["SMOKE_SIGNAL"])
    assert "$types" in error["message"]


async def test_different_arguments_under_one_customer(api: Api, shop: Any) -> None:
    data = await api(
        """{ customer(id: "c1") {
             purchases: interactions(types: [PURCHASE], first: 1) { edges { node { id } } }
             calls: interactions(types: [CALL]) { edges { node { id } } totalCount }
             all: interactions { totalCount } } }"""
    )
    customer = data["customer"]
    assert customer["purchases"]["edges"] == [{"node": {"id": "i5"}}]
    assert customer["calls"] == {"edges": [{"node": {"id": "i4"}}], "totalCount": 1}
    assert customer["all"] == {"totalCount": 5}
