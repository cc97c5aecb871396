"""Custom fields: the scalar properties beyond the model, from imports and upsertCustomer,
readable (Customer.fields), usable in segments (SegmentDefinition.fields), masked when
personal (C360_PERSONAL_FIELDS)."""

from __future__ import annotations

from typing import Any

import pytest

from core.settings import Settings
from graph.db import Graph
from graph.ingest.importer import import_records
from tests.api.conftest import Api, snapshot

FIELDS = '{ customer(id: "f1") { fields { key value } } }'
UPSERT = """
mutation ($fields: [CustomFieldInput!]) {
  upsertCustomer(input: {id: "f1", name: "Fay", fields: $fields}) { fields { key value } }
}
"""
LINES: list[dict[str, Any]] = [
    {"kind": "customer", "id": "f1", "name": "Fay", "memberLevel": "gold", "points": 1200,
     "wechat": "fay_wx", "vip": True},
    {"kind": "customer", "id": "f2", "name": "Gus", "memberLevel": "silver", "points": 80},
    {"kind": "customer", "id": "f3", "name": "Hal", "purchaseTotal": 1e9},  # derived: ignored
]  # fmt: skip
SEGMENT = """
query ($d: SegmentDefinition!) {
  segmentPreview(definition: $d) { count customers { edges { node { id } } } }
}
"""


async def seed(graph: Graph) -> None:
    report = await import_records(graph, (("t", n, line) for n, line in enumerate(LINES, 1)))
    assert report.ok, report


async def test_imported_and_upserted_fields_read_by_key(api: Api, graph: Graph) -> None:
    await seed(graph)
    assert (await api(FIELDS))["customer"]["fields"] == [
        {"key": "memberLevel", "value": "gold"},
        {"key": "points", "value": "1200"},
        {"key": "vip", "value": "true"},
        {"key": "wechat", "value": "fay_wx"},
    ]
    changed = (await api(UPSERT, fields=[{"key": "memberLevel", "value": " platinum "},
                                         {"key": "vip", "value": None},
                                         {"key": "store", "value": "上海1号店"}]))  # fmt: skip
    assert changed["upsertCustomer"]["fields"] == [
        {"key": "memberLevel", "value": "platinum"},
        {"key": "points", "value": "1200"},
        {"key": "store", "value": "上海1号店"},
        {"key": "wechat", "value": "fay_wx"},
    ]
    [hal] = await graph.run_text("t", "MATCH (c:Customer {id: 'f3'}) RETURN c.purchaseTotal AS t")
    assert hal["t"] != 1e9  # an import cannot overwrite a derived value
    timeline = (await api('{ customer(id: "f1") { timeline(kinds: [PROFILE_UPDATED]) { '
                          "edges { node { summary } } } } }"))  # fmt: skip
    assert timeline["customer"]["timeline"]["edges"][0]["node"]["summary"].startswith(
        "Profile updated: "
    )


async def test_bad_fields_write_nothing(api: Api, graph: Graph) -> None:
    await seed(graph)
    before = await snapshot(graph)
    cases = [
        ([{"key": "email", "value": "x@y.z"}], "input.fields[0].key"),
        ([{"key": "bad key", "value": "x"}], "input.fields[0].key"),
        ([{"key": "a", "value": "1"}, {"key": "a", "value": "2"}], "input.fields[1].key"),
    ]
    for fields, field in cases:
        error = await api.error(UPSERT, fields=fields)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
        assert await snapshot(graph) == before


async def test_segments_on_custom_fields(api: Api, graph: Graph) -> None:
    await seed(graph)

    async def members(definition: dict[str, Any]) -> list[str]:
        data = (await api(SEGMENT, d=definition))["segmentPreview"]
        return [edge["node"]["id"] for edge in data["customers"]["edges"]]

    assert await members({"fields": [{"key": "memberLevel", "equals": "gold"}]}) == ["f1"]
    assert await members({"fields": [{"key": "memberLevel", "in": ["gold", "silver"]},
                                     {"key": "points", "equals": "80"}]}) == ["f2"]  # fmt: skip
    # a customer without the field is "not gold" too, as missing cities are "not Shanghai"
    assert await members({"not": {"fields": [{"key": "memberLevel", "equals": "gold"}]}}) == [
        "f2", "f3"]  # fmt: skip
    for definition, field in (
        ({"fields": [{"key": "memberLevel"}]}, "definition.fields[0]"),
        ({"fields": [{"key": "city", "equals": "x"}]}, "definition.fields[0].key"),
        ({"fields": [{"key": "a", "equals": "x", "in": ["y"]}]}, "definition.fields[0]"),
    ):
        error = await api.error(SEGMENT, d=definition)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


@pytest.fixture
def personal(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "personal_fields", "wechat, idCard")


async def test_personal_fields_are_masked_and_not_filterable(
    api: Api, graph: Graph, personal: None
) -> None:
    await seed(graph)
    viewer = api.as_role("viewer")
    fields = (await viewer(FIELDS))["customer"]["fields"]
    assert {"key": "wechat", "value": "f***"} in fields
    assert {"key": "memberLevel", "value": "gold"} in fields  # not personal: plain
    assert {"key": "wechat", "value": "fay_wx"} in (await api(FIELDS))["customer"]["fields"]
    # filtering on it would tell the value one guess at a time
    refused = await viewer.error(SEGMENT, d={"fields": [{"key": "wechat", "equals": "fay_wx"}]})
    assert refused["extensions"] == {"code": "FORBIDDEN", "field": "definition.fields[0]"}
    assert await api(SEGMENT, d={"fields": [{"key": "wechat", "equals": "fay_wx"}]})
