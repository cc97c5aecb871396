"""Tag governance through GraphQL on the shop (tests/api/conftest.py): provenance, renameTag,
mergeTags, deprecateTag, and aliases wherever a tag name is accepted.

The shop's tags: VIP > Gold, Risk, Old (deprecated); c1 holds VIP and Gold, c2 VIP, c3 Old,
all from an import.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from graph.db import Graph
from tests.api.conftest import Api, snapshot

ASSIGNMENTS = """
query ($id: ID!) {
  customer(id: $id) { tagAssignments { tag { name } source assignedAt ruleId } }
}
"""
TAG = """
query ($name: String!) {
  tag(name: $name) { name aliases customerCount parent { name } children { name } }
}
"""
RENAME = "mutation ($n: String!, $to: String!) { renameTag(name: $n, newName: $to) { name } }"
MERGE = """
mutation ($sources: [String!]!, $into: String!) {
  mergeTags(sources: $sources, into: $into) { name aliases customerCount children { name } }
}
"""
DEPRECATE = "mutation ($n: String!) { deprecateTag(name: $n) { name status } }"
ASSIGN = """
mutation ($id: ID!, $tags: [String!]!) {
  assignTags(customerId: $id, tags: $tags) { tags { name } }
}
"""
REMOVE = """
mutation ($id: ID!, $tags: [String!]!) {
  removeTags(customerId: $id, tags: $tags) { tags { name } }
}
"""
COUNT = """
query ($d: SegmentDefinition!) { segmentPreview(definition: $d, asOf: "2025-03-10T00:00:00Z") {
  count cypherParams } }
"""


async def assignments(api: Api, customer_id: str) -> list[dict[str, Any]]:
    data = await api(ASSIGNMENTS, id=customer_id)
    result: list[dict[str, Any]] = data["customer"]["tagAssignments"]
    return result


async def tag_names(api: Api, customer_id: str) -> list[str]:
    data = await api("query ($id: ID!) { customer(id: $id) { tags { name } } }", id=customer_id)
    return [tag["name"] for tag in data["customer"]["tags"]]


async def test_assignments_carry_their_provenance(api: Api, shop: Graph) -> None:
    await shop.run_text(
        "tests/dated",
        "MATCH (:Customer {id: 'c1'})-[r:HAS_TAG]->(:Tag {name: 'VIP'}) "
        "SET r.assignedAt = datetime('2025-01-02T03:04:05Z')",
        write=True,
    )
    before = datetime.now(UTC)
    await api(ASSIGN, id="c1", tags=["Risk"])
    found = await assignments(api, "c1")
    assert [(a["tag"]["name"], a["source"], a["ruleId"]) for a in found] == [
        ("Gold", "IMPORT", None),
        ("Risk", "MANUAL", None),
        ("VIP", "IMPORT", None),
    ]
    assert found[2]["assignedAt"] == "2025-01-02T03:04:05Z"
    risk_at = datetime.fromisoformat(found[1]["assignedAt"])
    assert before.replace(microsecond=0) <= risk_at <= datetime.now(UTC)
    # Gold lacks assignedAt (made by hand in Cypher): it reads as the customer's creation.
    assert found[0]["assignedAt"] == "2024-12-01T09:30:00Z"


async def test_rename_keeps_the_old_name_as_an_alias_everywhere(api: Api, shop: Graph) -> None:
    assert (await api(RENAME, n="VIP", to="贵宾"))["renameTag"] == {"name": "贵宾"}
    by_alias = (await api(TAG, name=" VIP "))["tag"]
    assert by_alias == {
        "name": "贵宾",
        "aliases": ["VIP"],
        "customerCount": 2,
        "parent": None,
        "children": [{"name": "Gold"}],
    }
    # assignTags, removeTags and segment definitions accept the alias.
    await api(ASSIGN, id="c3", tags=["VIP"])
    assert await tag_names(api, "c3") == ["Old", "贵宾"]
    preview = (await api(COUNT, d={"anyTags": ["VIP"]}))["segmentPreview"]
    assert preview["count"] == 3 and "贵宾" in preview["cypherParams"]
    await api(REMOVE, id="c3", tags=["VIP"])
    assert await tag_names(api, "c3") == ["Old"]
    # A segment saved with the old name keeps working.
    saved = await api(
        'mutation { saveSegment(name: "old name", definition: {allTags: ["VIP"]}) { count } }'
    )
    assert saved["saveSegment"]["count"] == 2
    # Renaming back: the name is the tag's own again, and 贵宾 becomes the alias.
    await api(RENAME, n="贵宾", to="VIP")
    assert (await api(TAG, name="贵宾"))["tag"]["aliases"] == ["贵宾"]
    assert (await api(TAG, name="VIP"))["tag"]["name"] == "VIP"


@pytest.mark.parametrize(
    ("name", "new_name", "message"),
    [
        ("VIP", "Risk", "newName: a tag named 'Risk' already exists"),
        ("Nope", "Fine", "name: unknown tag 'Nope'"),
        ("VIP", "  ", "newName: must not be empty"),
    ],
)
async def test_bad_renames_write_nothing(
    api: Api, shop: Graph, name: str, new_name: str, message: str
) -> None:
    before = await snapshot(shop)
    error = await api.error(RENAME, n=name, to=new_name)
    assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")
    assert await snapshot(shop) == before


async def test_a_name_taken_as_an_alias_cannot_be_reused(api: Api, shop: Graph) -> None:
    await api(RENAME, n="Risk", to="风险")
    before = await snapshot(shop)
    error = await api.error(RENAME, n="VIP", to="Risk")
    assert error["message"] == "newName: 'Risk' is an alias of the tag '风险'"
    error = await api.error('mutation { createTag(name: "Risk") { id } }')
    assert error["message"] == "name: 'Risk' is an alias of the tag '风险'"
    assert await snapshot(shop) == before
    # An alias names a parent like the tag's own name does.
    made = await api(
        'mutation { createTag(name: "High risk", parent: "Risk") { parent { name } } }'
    )
    assert made["createTag"]["parent"] == {"name": "风险"}


async def test_merge_moves_assignments_children_and_names(api: Api, shop: Graph) -> None:
    await shop.run_text(
        "tests/more",
        "MATCH (risk:Tag {name: 'Risk'}), (c1:Customer {id: 'c1'}), (c3:Customer {id: 'c3'}) "
        "CREATE (:Tag {id: 't-late', name: 'Late', status: 'ACTIVE'})-[:CHILD_OF]->(risk) "
        "CREATE (c1)-[:HAS_TAG {source: 'MANUAL', assignedAt: datetime('2025-02-02T00:00:00Z')}]"
        "->(risk) "
        "CREATE (c3)-[:HAS_TAG {source: 'RULE', ruleId: 'r1', "
        "assignedAt: datetime('2025-02-03T00:00:00Z')}]->(risk)",
        write=True,
    )
    merged = (await api(MERGE, sources=["Risk", "Gold"], into="VIP"))["mergeTags"]
    assert merged == {
        "name": "VIP",
        "aliases": ["Gold", "Risk"],
        "customerCount": 3,  # c1 once (held VIP already), c2, and c3 from Risk
        "children": [{"name": "Late"}],  # Risk's child; Gold itself is gone
    }
    c3 = await assignments(api, "c3")
    assert [(a["tag"]["name"], a["source"], a["ruleId"], a["assignedAt"]) for a in c3] == [
        ("Old", "IMPORT", None, "1970-01-01T00:00:00Z"),
        ("VIP", "RULE", "r1", "2025-02-03T00:00:00Z"),  # provenance moved with it
    ]
    assert [a["tag"]["name"] for a in await assignments(api, "c1")] == ["VIP"]
    listed = await api("{ tags(includeDeprecated: true) { name } }")
    assert [t["name"] for t in listed["tags"]] == ["Late", "Old", "VIP"]
    # The old names resolve: in tag(), in segment definitions.
    assert (await api(TAG, name="Gold"))["tag"]["name"] == "VIP"
    assert (await api(COUNT, d={"noneTags": ["Risk"]}))["segmentPreview"]["count"] == 0


async def test_merging_an_alias_chain_follows_it(api: Api, shop: Graph) -> None:
    await api(RENAME, n="Risk", to="Danger")
    await api(MERGE, sources=["Danger"], into="VIP")
    assert (await api(TAG, name="Risk"))["tag"]["aliases"] == ["Danger", "Risk"]


@pytest.mark.parametrize(
    ("sources", "into", "message"),
    [
        (["VIP"], "Gold", "sources[0]: 'VIP' is above 'Gold'; merge a tag into a tag above it "
         "or beside it, not below it"),
        (["Risk", "Nope"], "VIP", "sources[1]: unknown tag 'Nope'"),
        (["Risk"], "Nope", "into: unknown tag 'Nope'"),
        (["Risk", "VIP"], "VIP", "sources[1]: 'VIP' is the tag merged into"),
        ([], "VIP", "sources: give at least one tag to merge"),
    ],
)  # fmt: skip
async def test_bad_merges_write_nothing(
    api: Api, shop: Graph, sources: list[str], into: str, message: str
) -> None:
    before = await snapshot(shop)
    error = await api.error(MERGE, sources=sources, into=into)
    assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")
    assert await snapshot(shop) == before


async def test_deprecated_tags_are_kept_but_not_assignable(api: Api, shop: Graph) -> None:
    assert (await api(DEPRECATE, n="VIP"))["deprecateTag"] == {
        "name": "VIP",
        "status": "DEPRECATED",
    }
    assert [t["name"] for t in (await api("{ tags { name } }"))["tags"]] == ["Gold", "Risk"]
    assert await tag_names(api, "c2") == ["VIP"]  # holders keep it
    error = await api.error(ASSIGN, id="c3", tags=["VIP"])
    assert error["message"] == "tags: tag 'VIP' is deprecated and cannot be assigned"
    assert (await api(COUNT, d={"anyTags": ["VIP"]}))["segmentPreview"]["count"] == 2
    await api(DEPRECATE, n="VIP")  # again: no change, no error


async def test_an_alias_works_in_every_mutation_taking_a_tag_name(api: Api, shop: Graph) -> None:
    await api(RENAME, n="Risk", to="风险")
    link = await api(
        'mutation { createLinkageRule(input: {name: "l", whenTagAdded: "Risk", '
        'action: ASSIGN_OWNER, owners: ["Ann"]}) { whenTagAdded { name } } }'
    )
    assert link["createLinkageRule"]["whenTagAdded"] == {"name": "风险"}
    rule = await api(
        'mutation { createTagRule(name: "r", tag: "Risk", definition: {cities: ["Beijing"]}) '
        "{ tag { name } } }"
    )
    assert rule["createTagRule"]["tag"] == {"name": "风险"}
    assert (await api(RENAME, n="Risk", to="危险"))["renameTag"] == {"name": "危险"}
    assert (await api(DEPRECATE, n="风险"))["deprecateTag"]["name"] == "危险"
    merged = (await api(MERGE, sources=["Risk"], into="Old"))["mergeTags"]
    assert merged["aliases"] == ["Risk", "危险", "风险"]


UPDATE = """
mutation ($name: String!, $description: String, $category: String, $parent: String) {
  updateTag(name: $name, description: $description, category: $category, parent: $parent) {
    name description category parent { name }
  }
}
"""


async def test_update_tag_describes_moves_and_refuses_cycles(api: Api, shop: Graph) -> None:
    """The fields given change (null clears), the others stay; a parent that is the tag or
    below it is refused and nothing is written."""
    described = (await api(UPDATE, name="Gold", description="  Spent over 10k  "))["updateTag"]
    assert described == {"name": "Gold", "description": "Spent over 10k", "category": "value",
                         "parent": {"name": "VIP"}}  # fmt: skip
    moved = (await api(UPDATE, name="Gold", parent="Risk", category="risk"))["updateTag"]
    assert moved == {"name": "Gold", "description": "Spent over 10k", "category": "risk",
                     "parent": {"name": "Risk"}}  # fmt: skip
    root = (await api(UPDATE, name="Gold", parent=None, description=None))["updateTag"]
    assert root == {"name": "Gold", "description": None, "category": "risk", "parent": None}
    await api(UPDATE, name="Gold", parent="VIP")  # back below VIP
    before = await snapshot(shop)
    for parent in ("VIP", "Gold"):  # VIP itself, and Gold below it
        error = await api.error(UPDATE, name="VIP", parent=parent, description="x")
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "parent"}
        assert await snapshot(shop) == before
    unknown = (("name", {"name": "Nope"}), ("parent", {"name": "VIP", "parent": "Nope"}))
    for field, variables in unknown:
        error = await api.error(UPDATE, **variables)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_a_described_tag_leaves_tag_health(api: Api, shop: Graph) -> None:
    health = "{ tagHealth { undescribed { name } } }"
    assert {"name": "Gold"} in (await api(health))["tagHealth"]["undescribed"]
    await api(UPDATE, name="Gold", description="Spent over 10k")
    assert {"name": "Gold"} not in (await api(health))["tagHealth"]["undescribed"]
