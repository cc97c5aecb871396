"""searchCustomers (customers.graphql, "finding"): by id, email, phone in any common format,
and name part, Chinese included; exact matches first; one round trip; masked roles cannot use
it as an oracle for emails or phones."""

from __future__ import annotations

from typing import Any

from graph.db import Graph, counting_round_trips
from graph.migrate import migrate
from security.roles import Role
from tests.api.conftest import Api

SEARCH = """
query ($q: String!, $first: Int, $after: String) {
  searchCustomers(query: $q, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name email tags { name } } }
  }
}
"""
UPSERT = "mutation ($i: CustomerInput!) { upsertCustomer(input: $i) { id } }"
MORE = [
    {"id": "c4", "name": "张伟", "phone": "138 0013 8000"},
    {"id": "c5", "name": "张伟明"},
    {"id": "c6", "name": "李张伟"},
    {"id": "c7", "name": "Alicia Keys"},
    {"id": "c8", "name": "ＡＬＩＣＥ"},  # full-width: NFKC makes it ALICE
    {"id": "c9", "name": "王芳", "email": "Fang.Wang@Example.CN"},
]


async def people(api: Api) -> None:
    for customer in MORE:
        await api(UPSERT, i=customer)


async def search(api: Api, query: str, **variables: Any) -> dict[str, Any]:
    data = await api(SEARCH, q=query, **variables)
    result: dict[str, Any] = data["searchCustomers"]
    return result


def ids(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in result["edges"]]


async def test_phones_in_any_common_format_and_emails_match_exactly(api: Api, shop: Graph) -> None:
    await people(api)
    for phone in ["138 0013 8000", "13800138000", "+86 138-0013-8000", "+8613800138000"]:
        assert ids(await search(api, phone)) == ["c4"], phone
    assert ids(await search(api, "  fang.wang@example.cn ")) == ["c9"]
    assert ids(await search(api, "ALICE@example.com")) == ["c1"]
    assert ids(await search(api, "c2")) == ["c2"]


async def test_name_parts_chinese_included_exact_names_first(api: Api, shop: Graph) -> None:
    await people(api)
    assert ids(await search(api, "张伟")) == ["c4", "c5", "c6"]  # the exact name, then by id
    assert ids(await search(api, "伟明")) == ["c5"]
    assert ids(await search(api, "alice")) == ["c1", "c8"]  # "alicia keys" has no "alice"
    assert ids(await search(api, "LIC")) == ["c1", "c7", "c8"]
    assert ids(await search(api, "ｌｉｃ")) == ["c1", "c7", "c8"]  # the query is NFKC'd too
    assert ids(await search(api, "Bo")) == ["c2"]  # Bob
    assert (await search(api, "nobody here"))["edges"] == []


async def test_pages_by_rank_then_id(api: Api, shop: Graph) -> None:
    await people(api)
    first = await search(api, "张伟", first=2)
    assert (ids(first), first["totalCount"], first["pageInfo"]["hasNextPage"]) == (
        ["c4", "c5"],
        3,
        True,
    )
    rest = await search(api, "张伟", first=2, after=first["pageInfo"]["endCursor"])
    assert (ids(rest), rest["pageInfo"]["hasNextPage"]) == (["c6"], False)


async def test_one_round_trip_with_nested_fields(api: Api, shop: Graph) -> None:
    with counting_round_trips() as counter:
        result = await search(api, "al")
    assert counter.count == 1
    assert next((e["node"]["id"], e["node"]["tags"]) for e in result["edges"]) == (
        "c1",
        [{"name": "Gold"}, {"name": "VIP"}],
    )


async def test_bad_input_names_the_argument(api: Api, shop: Graph) -> None:
    for query in ["a", "  b  ", ""]:
        error = await api.error(SEARCH, q=query)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "query"}
        assert "at least 2 characters" in error["message"]
    bad_cursor = await api.error(SEARCH, q="al", after="bm9wZQ==")
    assert bad_cursor["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    too_many = await api.error(SEARCH, q="al", first=5000)
    assert too_many["extensions"]["field"] == "first"


async def test_masked_roles_cannot_confirm_an_email_or_phone(api: Api, shop: Graph) -> None:
    """To a viewer email and phone are masked; a search that found c1 by its email would
    tell them the email. By id and name they search as everyone does."""
    viewer = api.as_role(Role.VIEWER)
    for secret in ["alice@example.com", "+8613812345678", "138 1234 5678"]:
        data = await viewer(SEARCH, q=secret)
        assert data["searchCustomers"]["edges"] == [], secret
    by_name = (await viewer(SEARCH, q="alice"))["searchCustomers"]["edges"]
    assert [(e["node"]["id"], e["node"]["email"]) for e in by_name] == [("c1", "a***@example.com")]


async def test_customers_written_around_the_api_are_found_after_migrate(
    api: Api, shop: Graph
) -> None:
    await shop.run_text("tests/raw", "CREATE (:Customer {id: 'r1', name: 'Raw Écrit'})", write=True)
    assert (await search(api, "écrit"))["edges"] == []
    await migrate(shop)
    assert ids(await search(api, "ÉCRIT")) == ["r1"]
