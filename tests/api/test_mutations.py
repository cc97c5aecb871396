"""Every mutation: what it writes, and that each failure writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from graph.db import Graph
from tests.api.conftest import Api, snapshot

UPSERT = """
mutation ($input: CustomerInput!) {
  upsertCustomer(input: $input) {
    id name email phone gender birthDate city region source createdAt updatedAt
    tags { name } stage
  }
}
"""


async def stored(graph: Graph, customer_id: str) -> dict[str, Any]:
    rows = await graph.run_text(
        "tests/customer", "MATCH (c:Customer {id: $id}) RETURN c {.*} AS c", id=customer_id
    )
    assert len(rows) == 1
    customer: dict[str, Any] = rows[0]["c"]
    return customer


def recent(value: str) -> bool:
    moment = datetime.fromisoformat(value)
    return timedelta(0) <= datetime.now(UTC) - moment < timedelta(minutes=1)


async def test_upsert_creates_with_cleansed_values(api: Api, graph: Graph) -> None:
    data = await api(
        UPSERT,
        input={
            "id": " n1 ",
            "name": "  Dora  ",
            "email": " Dora@Example.COM ",
            "phone": "138 1234 5678",
            "gender": "f",
            "birthDate": "1985-12-31",
            "city": "Hangzhou",
            "region": " East ",
            "source": "线上商城",
        },
    )
    customer = data["upsertCustomer"]
    assert recent(customer.pop("createdAt"))
    assert recent(customer.pop("updatedAt"))
    assert customer == {
        "id": "n1",
        "name": "Dora",
        "email": "dora@example.com",
        "phone": "+8613812345678",
        "gender": "F",
        "birthDate": "1985-12-31",
        "city": "Hangzhou",
        "region": "East",
        "source": "线上商城",
        "tags": [],
        "stage": None,
    }
    node = await stored(graph, "n1")
    assert node["birthDate"].iso_format() == "1985-12-31"  # a Neo4j Date, not text
    assert node["createdAt"] == node["updatedAt"]


async def test_upsert_updates_only_given_fields(api: Api, shop: Graph) -> None:
    before = await stored(shop, "c1")
    data = await api(UPSERT, input={"id": "c1", "name": "Alice B", "city": None, "email": "a@b.cn"})
    customer = data["upsertCustomer"]
    assert (customer["name"], customer["city"], customer["email"]) == ("Alice B", None, "a@b.cn")
    assert customer["phone"] == "+8613812345678"  # left out: unchanged
    assert customer["region"] == "East"
    assert customer["tags"] == [{"name": "Gold"}, {"name": "VIP"}]
    assert customer["stage"] == "LOYAL"
    after = await stored(shop, "c1")
    assert "city" not in after  # null removes the property
    assert after["createdAt"] == before["createdAt"]
    assert recent(customer["updatedAt"])


async def test_upsert_blank_clears_a_field(api: Api, shop: Graph) -> None:
    await api(UPSERT, input={"id": "c1", "name": "Alice", "email": "  ", "phone": ""})
    after = await stored(shop, "c1")
    assert "email" not in after
    assert "phone" not in after


async def test_upsert_without_change_keeps_updated_at(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)
    data = await api(
        UPSERT,
        input={
            "id": "c1",
            "name": "Alice",
            "gender": "F",
            "birthDate": "1990-04-01",
            "city": "Shanghai",
        },
    )
    assert data["upsertCustomer"]["updatedAt"] == "2024-12-02T09:30:00Z"
    assert await snapshot(shop) == before


async def test_upsert_sets_updated_at_on_first_change(api: Api, shop: Graph) -> None:
    data = await api(UPSERT, input={"id": "c3", "name": "Carol", "city": "Xi'an"})
    assert recent(data["upsertCustomer"]["updatedAt"])
    assert data["upsertCustomer"]["createdAt"] is None  # it existed before upsert knew it


async def test_upsert_failures_write_nothing(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)
    cases = [
        ({"id": "c1", "name": "A", "email": "not-an-email"}, "input.email", "is not an email"),
        ({"id": "c1", "name": "A", "gender": "X"}, "input.gender", "is not one of F, M, U"),
        ({"id": "  ", "name": "A"}, "input.id", "must not be empty"),
        ({"id": "new", "name": " "}, "input.name", "must not be empty"),
        ({"id": "new", "name": "A", "email": "a@b.cn", "gender": "?"}, "input.gender", "F, M, U"),
    ]
    for given, field, reason in cases:
        error = await api.error(UPSERT, input=given)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, given
        assert error["message"].startswith(f"{field}: "), error
        assert reason in error["message"], error
        assert error["path"] == ["upsertCustomer"]
    # a malformed date never reaches the resolver: the variable itself is rejected
    error = await api.error(UPSERT, input={"id": "c1", "name": "A", "birthDate": "1990-13-01"})
    assert "birthDate" in error["message"]
    assert "is not a date" in error["message"]
    assert await snapshot(shop) == before


ASSIGN = """
mutation ($id: ID!, $tags: [String!]!) {
  assignTags(customerId: $id, tags: $tags) { id tags { name } }
}
"""
REMOVE = """
mutation ($id: ID!, $tags: [String!]!) {
  removeTags(customerId: $id, tags: $tags) { id tags { name } }
}
"""


async def assignments(graph: Graph, customer_id: str) -> dict[str, dict[str, Any]]:
    rows = await graph.run_text(
        "tests/assignments",
        "MATCH (:Customer {id: $id})-[r:HAS_TAG]->(t:Tag) RETURN t.name AS tag, r {.*} AS r",
        id=customer_id,
    )
    return {row["tag"]: row["r"] for row in rows}


async def test_assign_tags_by_normalised_name(api: Api, shop: Graph) -> None:
    data = await api(ASSIGN, id="c2", tags=[" Risk", "ＶＩＰ", "Risk"])
    assert data["assignTags"] == {"id": "c2", "tags": [{"name": "Risk"}, {"name": "VIP"}]}
    held = await assignments(shop, "c2")
    assert held["Risk"]["source"] == "MANUAL"
    assert recent(held["Risk"]["assignedAt"].to_native().isoformat())
    assert held["VIP"] == {"source": "IMPORT"}  # already held: left as it was


async def test_assign_tags_is_idempotent(api: Api, shop: Graph) -> None:
    await api(ASSIGN, id="c3", tags=["Risk"])
    before = await snapshot(shop)
    data = await api(ASSIGN, id="c3", tags=["Risk"])
    assert data["assignTags"]["tags"] == [{"name": "Old"}, {"name": "Risk"}]
    assert await snapshot(shop) == before


async def test_assign_tags_failures_write_nothing(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)

    error = await api.error(ASSIGN, id="c2", tags=["Risk", "Platinum", "Diamond"])
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "tags"}
    assert error["message"] == "tags: unknown tag 'Platinum', 'Diamond'"

    error = await api.error(ASSIGN, id="c2", tags=["Risk", "Old"])
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "tags"}
    assert error["message"] == "tags: tag 'Old' is deprecated and cannot be assigned"

    error = await api.error(ASSIGN, id="ghost", tags=["Risk"])
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "customerId"}
    assert error["message"] == "customerId: customer not found: 'ghost'"

    error = await api.error(ASSIGN, id="c2", tags=["Risk", "  "])
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "tags"}
    assert error["message"] == "tags: must not be empty"

    assert await snapshot(shop) == before


async def test_remove_tags(api: Api, shop: Graph) -> None:
    data = await api(REMOVE, id="c1", tags=["Gold", "Risk"])  # Risk is not held: ignored
    assert data["removeTags"] == {"id": "c1", "tags": [{"name": "VIP"}]}
    assert set(await assignments(shop, "c1")) == {"VIP"}
    data = await api(REMOVE, id="c3", tags=["Old"])  # deprecated tags can be removed
    assert data["removeTags"]["tags"] == []


async def test_remove_tags_failures_write_nothing(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)
    error = await api.error(REMOVE, id="c1", tags=["Gold", "Nope"])
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "tags"}
    assert error["message"] == "tags: unknown tag 'Nope'"
    error = await api.error(REMOVE, id="ghost", tags=["Gold"])
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "customerId"}
    assert "'ghost'" in error["message"]
    assert await snapshot(shop) == before


async def test_mutations_in_one_request_see_each_others_writes(api: Api, shop: Graph) -> None:
    data = await api(
        """mutation {
             a: assignTags(customerId: "c3", tags: ["Risk"]) { tags { name } }
             b: removeTags(customerId: "c3", tags: ["Risk", "Old"]) { tags { name } }
             c: assignTags(customerId: "c3", tags: ["VIP"]) { tags { name } }
           }"""
    )
    assert data == {
        "a": {"tags": [{"name": "Old"}, {"name": "Risk"}]},
        "b": {"tags": []},
        "c": {"tags": [{"name": "VIP"}]},
    }


CREATE_TAG = """
mutation ($name: String!, $category: String, $description: String, $parent: String) {
  createTag(name: $name, category: $category, description: $description, parent: $parent) {
    id name category description status parent { name } children { name } customerCount
  }
}
"""


async def test_create_tag(api: Api, shop: Graph) -> None:
    data = await api(
        CREATE_TAG,
        name="  Ｐｌａｔｉｎｕｍ   Plus ",
        category="value",
        description="Top",
        parent="VIP",
    )
    tag = data["createTag"]
    assert len(tag.pop("id")) == 36  # a UUID
    assert tag == {
        "name": "Platinum Plus",
        "category": "value",
        "description": "Top",
        "status": "ACTIVE",
        "parent": {"name": "VIP"},
        "children": [],
        "customerCount": 0,
    }
    rows = await shop.run_text(
        "tests/tag", "MATCH (t:Tag {name: 'Platinum Plus'}) RETURN t.createdAt AS at"
    )
    assert recent(rows[0]["at"].to_native().isoformat())
    vip = await api('{ tag(name: "VIP") { children { name } } }')
    assert vip["tag"]["children"] == [{"name": "Gold"}, {"name": "Platinum Plus"}]


async def test_create_tag_without_options(api: Api, graph: Graph) -> None:
    tag = (await api(CREATE_TAG, name="Solo"))["createTag"]
    assert (tag["category"], tag["description"], tag["parent"]) == (None, None, None)
    assert (await api("{ tags { name status } }"))["tags"] == [{"name": "Solo", "status": "ACTIVE"}]


async def test_create_tag_failures_write_nothing(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)
    error = await api.error(CREATE_TAG, name=" ＶＩＰ ")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
    assert error["message"] == "name: a tag named 'VIP' already exists"
    error = await api.error(CREATE_TAG, name="Old")  # deprecated names stay taken
    assert error["extensions"]["field"] == "name"
    error = await api.error(CREATE_TAG, name="New", parent="Nowhere")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "parent"}
    assert error["message"] == "parent: no tag named 'Nowhere'"
    error = await api.error(CREATE_TAG, name="\t")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
    error = await api.error(CREATE_TAG, name="New", parent=" ")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "parent"}
    assert await snapshot(shop) == before


SET_STAGE = """
mutation ($id: ID!, $stage: LifecycleStageName!) {
  setStage(customerId: $id, stage: $stage) { id stage }
}
"""


async def stage_history(graph: Graph, customer_id: str) -> dict[str, Any]:
    rows = await graph.run_text(
        "tests/stages",
        """MATCH (c:Customer {id: $id})
           RETURN [(c)-[r:IN_STAGE]->(s) | {stage: s.name, since: r.since}] AS current,
                  [(c)-[r:WAS_IN_STAGE]->(s) | {stage: s.name, from: r.from, to: r.to}] AS past""",
        id=customer_id,
    )
    return rows[0]


async def test_set_stage_keeps_history(api: Api, shop: Graph) -> None:
    data = await api(SET_STAGE, id="c2", stage="AT_RISK")
    assert data["setStage"] == {"id": "c2", "stage": "AT_RISK"}
    history = await stage_history(shop, "c2")
    [current] = history["current"]
    [past] = history["past"]
    assert current["stage"] == "AT_RISK"
    assert recent(current["since"].to_native().isoformat())
    assert past["stage"] == "ACTIVE"
    assert past["from"].to_native().isoformat() == "2025-01-15T12:00:00+00:00"
    assert past["to"] == current["since"]


async def test_set_stage_first_time_and_again(api: Api, shop: Graph) -> None:
    await api(SET_STAGE, id="c3", stage="NEW")
    history = await stage_history(shop, "c3")
    assert [c["stage"] for c in history["current"]] == ["NEW"]
    assert history["past"] == []
    before = await snapshot(shop)
    data = await api(SET_STAGE, id="c3", stage="NEW")  # the same stage: no change at all
    assert data["setStage"]["stage"] == "NEW"
    assert await snapshot(shop) == before
    await api(SET_STAGE, id="c3", stage="ACTIVE")
    await api(SET_STAGE, id="c3", stage="NEW")
    history = await stage_history(shop, "c3")
    assert [c["stage"] for c in history["current"]] == ["NEW"]
    assert sorted(p["stage"] for p in history["past"]) == ["ACTIVE", "NEW"]
    funnel = await api("{ lifecycleFunnel { stage customers } }")
    assert {row["stage"]: row["customers"] for row in funnel["lifecycleFunnel"]}["NEW"] == 1


async def test_set_stage_failures_write_nothing(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)
    error = await api.error(SET_STAGE, id="ghost", stage="NEW")
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "customerId"}
    assert error["message"] == "customerId: customer not found: 'ghost'"
    error = await api.error(SET_STAGE, id=" ", stage="NEW")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "customerId"}
    assert error["message"] == "customerId: must not be empty"
    error = await api.error(SET_STAGE, id="c1", stage="ASLEEP")
    assert "ASLEEP" in error["message"]
    assert await snapshot(shop) == before
