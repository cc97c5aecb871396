"""Query.tag, Query.tags, Query.product and the Tag and Product fields."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

TAG = """
query ($name: String!) {
  tag(name: $name) {
    id name category description status
    parent { name }
    children { name }
    customerCount
    customers { edges { node { id } } pageInfo { hasNextPage } totalCount }
  }
}
"""


async def test_tag_with_every_field(api: Api, shop: Any) -> None:
    assert (await api(TAG, name="VIP"))["tag"] == {
        "id": "t-vip",
        "name": "VIP",
        "category": "value",
        "description": "Big spenders",
        "status": "ACTIVE",
        "parent": None,
        "children": [{"name": "Gold"}],
        "customerCount": 2,
        "customers": {
            "edges": [{"node": {"id": "c1"}}, {"node": {"id": "c2"}}],
            "pageInfo": {"hasNextPage": False},
            "totalCount": 2,
        },
    }


async def test_child_tag_and_direct_holders_only(api: Api, shop: Any) -> None:
    gold = (await api(TAG, name="Gold"))["tag"]
    assert gold["parent"] == {"name": "VIP"}
    assert gold["children"] == []
    assert gold["description"] is None
    assert gold["customerCount"] == 1  # c1 only; holders of VIP do not count for Gold
    assert gold["customers"]["edges"] == [{"node": {"id": "c1"}}]


async def test_tag_name_is_normalised_and_unknown_is_null(api: Api, shop: Any) -> None:
    assert (await api(TAG, name=" ＶＩＰ "))["tag"]["id"] == "t-vip"
    assert (await api(TAG, name="Platinum"))["tag"] is None
    error = await api.error(TAG, name="   ")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}


async def test_tag_without_holders(api: Api, shop: Any) -> None:
    risk = (await api(TAG, name="Risk"))["tag"]
    assert risk["customerCount"] == 0
    assert risk["customers"] == {"edges": [], "pageInfo": {"hasNextPage": False}, "totalCount": 0}


async def test_children_are_ordered_by_name(api: Api, shop: Any) -> None:
    await api.graph.run_text(
        "tests/children",
        """MATCH (vip:Tag {name: 'VIP'})
           CREATE (:Tag {id: 't-a', name: 'Amber', status: 'ACTIVE'})-[:CHILD_OF]->(vip)
           CREATE (:Tag {id: 't-z', name: 'Zinc', status: 'ACTIVE'})-[:CHILD_OF]->(vip)""",
        write=True,
    )
    children = (await api(TAG, name="VIP"))["tag"]["children"]
    assert children == [{"name": "Amber"}, {"name": "Gold"}, {"name": "Zinc"}]


TAG_CUSTOMERS = """
query ($first: Int, $after: String) {
  tag(name: "Many") {
    customerCount
    customers(first: $first, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount
    }
  }
}
"""


async def test_tag_customers_walk_every_page(api: Api, graph: Any) -> None:
    await graph.run_text(
        "tests/holders",
        """CREATE (t:Tag {id: 't-many', name: 'Many', status: 'ACTIVE'})
           WITH t UNWIND range(1, 7) AS n
           CREATE (:Customer {id: 'h' + toString(n), name: 'H'})-[:HAS_TAG]->(t)
           CREATE (:Customer {id: 'other' + toString(n), name: 'O'})""",
        write=True,
    )
    seen: list[str] = []
    after = None
    while True:
        tag = (await api(TAG_CUSTOMERS, first=3, after=after))["tag"]
        assert tag["customerCount"] == 7
        page = tag["customers"]
        assert page["totalCount"] == 7
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"h{n}" for n in range(1, 8)]
    error = await api.error(TAG_CUSTOMERS, first=-5)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    error = await api.error(TAG_CUSTOMERS, after="%%%")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


TAGS = """
query ($category: String, $includeDeprecated: Boolean) {
  tags(category: $category, includeDeprecated: $includeDeprecated) { name status }
}
"""


async def test_tags_ordered_by_name_without_deprecated(api: Api, shop: Any) -> None:
    data = await api("{ tags { name } }")
    assert [t["name"] for t in data["tags"]] == ["Gold", "Risk", "VIP"]


async def test_tags_with_deprecated(api: Api, shop: Any) -> None:
    data = await api(TAGS, includeDeprecated=True)
    assert data["tags"] == [
        {"name": "Gold", "status": "ACTIVE"},
        {"name": "Old", "status": "DEPRECATED"},
        {"name": "Risk", "status": "ACTIVE"},
        {"name": "VIP", "status": "ACTIVE"},
    ]
    data = await api(TAGS, includeDeprecated=None)
    assert [t["name"] for t in data["tags"]] == ["Gold", "Risk", "VIP"]


async def test_tags_by_category(api: Api, shop: Any) -> None:
    assert [t["name"] for t in (await api(TAGS, category="value"))["tags"]] == ["Gold", "VIP"]
    data = await api(TAGS, category="value", includeDeprecated=True)
    assert [t["name"] for t in data["tags"]] == ["Gold", "Old", "VIP"]
    assert (await api(TAGS, category="risk"))["tags"] == [{"name": "Risk", "status": "ACTIVE"}]
    assert (await api(TAGS, category="nothing"))["tags"] == []


PRODUCT = "query ($id: ID!) { product(id: $id) { id sku name category price buyerCount } }"


async def test_products_with_every_field(api: Api, shop: Any) -> None:
    assert (await api(PRODUCT, id="p1"))["product"] == {
        "id": "p1",
        "sku": "T-1",
        "name": "Tea",
        "category": "drinks",
        "price": 10.5,
        "buyerCount": 2,  # c1 (twice) and c2
    }
    assert (await api(PRODUCT, id="p2"))["product"] == {
        "id": "p2",
        "sku": None,
        "name": "Cup",
        "category": None,
        "price": 4.0,  # stored as an integer
        "buyerCount": 1,
    }
    assert (await api(PRODUCT, id="p3"))["product"]["buyerCount"] == 0  # viewed, never bought
    assert (await api(PRODUCT, id="nothing"))["product"] is None


async def test_root_lookups_by_alias_batch(api: Api, shop: Any) -> None:
    data = await api(
        """{ a: product(id: "p1") { name } b: product(id: "p2") { name }
             x: tag(name: "VIP") { id } y: tag(name: "Gold") { id }
             m: customer(id: "c1") { name } n: customer(id: "zz") { name } }"""
    )
    assert data == {
        "a": {"name": "Tea"},
        "b": {"name": "Cup"},
        "x": {"id": "t-vip"},
        "y": {"id": "t-gold"},
        "m": {"name": "Alice"},
        "n": None,
    }
