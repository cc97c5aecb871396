"""Tag rules through GraphQL on the shop (tests/api/conftest.py): a rule keeps its tag equal
to its definition, touches only its own assignments, and running twice changes nothing.

Purchases in the shop: c1 on 01-01, 02-01 and 03-05 (2025), c2 on 01-15; c3 never.
"""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import Settings
from graph.db import Graph
from graph.rules import tag_rules
from graph.segments import parse_definition
from tests.api.conftest import Api, snapshot

runner = CliRunner()

CREATE = """
mutation ($name: String!, $tag: String!, $d: SegmentDefinition!) {
  createTagRule(name: $name, tag: $tag, definition: $d) {
    id name tag { name } definition enabled lastRunAt
  }
}
"""
RUN = """
mutation ($asOf: DateTime) {
  runTagRules(asOf: $asOf) { rule { name lastRunAt } added removed }
}
"""
HOLDERS = """
query ($name: String!) { tag(name: $name) { customers { edges { node {
  id tagAssignments { tag { name } source ruleId } } } } } }
"""
MARCH = "2025-03-10T00:00:00Z"
JANUARY = "2025-01-10T00:00:00Z"


async def create(api: Api, name: str, tag: str, definition: dict[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = (await api(CREATE, name=name, tag=tag, d=definition))["createTagRule"]
    return rule


async def run(api: Api, as_of: str) -> list[tuple[str, int, int]]:
    runs = (await api(RUN, asOf=as_of))["runTagRules"]
    return [(r["rule"]["name"], r["added"], r["removed"]) for r in runs]


async def holders(api: Api, tag: str) -> dict[str, tuple[str, str | None]]:
    """Holder id -> (source, ruleId) of their assignment of `tag`."""
    edges = (await api(HOLDERS, name=tag))["tag"]["customers"]["edges"]
    found = {}
    for edge in edges:
        for a in edge["node"]["tagAssignments"]:
            if a["tag"]["name"] == tag:
                found[edge["node"]["id"]] = (a["source"], a["ruleId"])
    return found


async def without_run_times(graph: Graph) -> dict[str, Any]:
    state = await snapshot(graph)
    for node in state["nodes"]:
        node.pop("lastRunAt", None)
    return state


async def test_a_rule_keeps_its_tag_equal_to_its_definition(api: Api, shop: Graph) -> None:
    rule = await create(api, "Buyers", "Risk", {"minPurchaseCount": 1})
    assert rule["enabled"] and rule["lastRunAt"] is None
    assert rule["tag"] == {"name": "Risk"}
    assert await holders(api, "Risk") == {}  # nothing until a run
    assert await run(api, MARCH) == [("Buyers", 2, 0)]
    assert await holders(api, "Risk") == {"c1": ("RULE", rule["id"]), "c2": ("RULE", rule["id"])}
    # Twice: nothing changes (but the rule's lastRunAt).
    before = await without_run_times(shop)
    assert await run(api, MARCH) == [("Buyers", 0, 0)]
    assert await without_run_times(shop) == before
    # Earlier, only c1 had bought: c2's assignment goes; back in March it returns.
    assert await run(api, JANUARY) == [("Buyers", 0, 1)]
    assert await holders(api, "Risk") == {"c1": ("RULE", rule["id"])}
    assert await run(api, MARCH) == [("Buyers", 1, 0)]


async def test_rules_never_touch_other_assignments(api: Api, shop: Graph) -> None:
    # c2 holds Risk by hand and matches; c3 holds it by hand and does not match.
    for customer in ("c2", "c3"):
        await api(f'mutation {{ assignTags(customerId: "{customer}", tags: ["Risk"]) {{ id }} }}')
    rule = await create(api, "Buyers", "Risk", {"minPurchaseCount": 1})
    assert await run(api, MARCH) == [("Buyers", 1, 0)]
    assert await holders(api, "Risk") == {
        "c1": ("RULE", rule["id"]),
        "c2": ("MANUAL", None),
        "c3": ("MANUAL", None),
    }
    assert await run(api, JANUARY) == [("Buyers", 0, 0)]  # c2 no longer matches: still MANUAL
    assert set(await holders(api, "Risk")) == {"c1", "c2", "c3"}


async def test_rules_run_in_creation_order_and_can_build_on_each_other(
    api: Api, shop: Graph
) -> None:
    await api('mutation { createTag(name: "Watch") { id } }')
    await create(api, "Buyers", "Risk", {"minPurchaseCount": 1})
    await create(api, "Watch risky Beijing", "Watch", {"anyTags": ["Risk"], "cities": ["Beijing"]})
    assert await run(api, MARCH) == [("Buyers", 2, 0), ("Watch risky Beijing", 1, 0)]
    assert await run(api, MARCH) == [("Buyers", 0, 0), ("Watch risky Beijing", 0, 0)]
    assert set(await holders(api, "Watch")) == {"c2"}


async def test_disabled_rules_are_skipped_and_keep_their_assignments(api: Api, shop: Graph) -> None:
    rule = await create(api, "Buyers", "Risk", {"minPurchaseCount": 1})
    await run(api, MARCH)
    toggle = """
    mutation ($id: ID!, $on: Boolean!) { setTagRuleEnabled(id: $id, enabled: $on) { enabled } }
    """
    assert (await api(toggle, id=rule["id"], on=False))["setTagRuleEnabled"] == {"enabled": False}
    assert await run(api, JANUARY) == []
    assert set(await holders(api, "Risk")) == {"c1", "c2"}
    listed = (await api("{ tagRules { name enabled lastRunAt } }"))["tagRules"]
    assert [(r["name"], r["enabled"]) for r in listed] == [("Buyers", False)]
    assert listed[0]["lastRunAt"] is not None
    error = await api.error(toggle, id="rule-nope", on=True)
    assert error["extensions"]["code"] == "NOT_FOUND"


async def test_a_rule_follows_its_tag_through_a_rename(api: Api, shop: Graph) -> None:
    await api('mutation { renameTag(name: "Risk", newName: "风险") { id } }')
    rule = await create(api, "Buyers", "Risk", {"minPurchaseCount": 3})  # by the alias
    assert rule["tag"] == {"name": "风险"}
    assert await run(api, MARCH) == [("Buyers", 1, 0)]
    assert set(await holders(api, "风险")) == {"c1"}


@pytest.mark.parametrize(
    ("name", "tag", "definition", "message"),
    [
        ("R", "Nope", {}, "tag: unknown tag 'Nope'"),
        ("R", "Old", {}, "tag: tag 'Old' is deprecated and cannot be assigned"),
        ("R", "Risk", {"anyTags": ["Nope"]}, "definition.anyTags: unknown tag 'Nope'"),
        ("R", "Risk", {"or": [{}, {"noneTags": ["Risk"]}]},
         "definition.or[1].noneTags: the rule's own tag 'Risk' is held because of this rule; "
         "a definition cannot depend on it"),
        ("R", "Gold", {"anyTags": ["VIP"]},  # VIP is above Gold: Gold's holders match it
         "definition.anyTags: the rule's own tag 'Gold' is held because of this rule; "
         "a definition cannot depend on it"),
        ("Taken", "Risk", {}, "name: a tag rule named 'Taken' already exists"),
        (" ", "Risk", {}, "name: must not be empty"),
    ],
)  # fmt: skip
async def test_bad_rules_write_nothing(
    api: Api, shop: Graph, name: str, tag: str, definition: dict[str, Any], message: str
) -> None:
    await create(api, "Taken", "VIP", {"minPurchaseCount": 1})
    before = await snapshot(shop)
    error = await api.error(CREATE, name=name, tag=tag, d=definition)
    assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")
    assert await snapshot(shop) == before


def test_rules_from_the_command_line(rule_for_cli: str) -> None:
    listed = runner.invoke(app, ["rules", "list"])
    assert listed.exit_code == 0, listed.output
    assert rule_for_cli in listed.stdout and "never" in listed.stdout
    ran = runner.invoke(app, ["rules", "run", "--as-of", "2025-03-10T00:00:00Z"])
    assert ran.exit_code == 0, ran.output
    assert "Ran 1 rules: 2 assignments added, 0 removed." in ran.stdout
    again = runner.invoke(app, ["rules", "run", "--as-of", "2025-03-10T00:00:00Z"])
    assert "Ran 1 rules: 0 assignments added, 0 removed." in again.stdout
    bad = runner.invoke(app, ["rules", "run", "--as-of", "soon"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "--as-of: 'soon' is not an ISO 8601 time" in bad.stderr


@pytest.fixture
async def rule_for_cli(shop: Graph, settings: Settings) -> str:
    rule = await tag_rules.create(shop, "Buyers", "Risk", parse_definition({"minPurchaseCount": 1}))
    return str(rule["id"])


UPDATE = """
mutation ($id: ID!, $name: String, $d: SegmentDefinition) {
  updateTagRule(id: $id, name: $name, definition: $d) { name definition tag { name } }
}
"""


async def test_rules_can_be_edited(api: Api, shop: Graph) -> None:
    rule = await create(api, "Buyers", "Risk", {"minPurchaseCount": 1})
    await create(api, "Other", "VIP", {"minPurchaseCount": 1})
    assert await run(api, MARCH) == [("Buyers", 2, 0), ("Other", 0, 0)]
    edited = (await api(UPDATE, id=rule["id"], d={"minPurchaseCount": 3}))["updateTagRule"]
    assert edited == {"name": "Buyers", "definition": '{"minPurchaseCount":3}',
                      "tag": {"name": "Risk"}}  # fmt: skip
    assert await run(api, MARCH) == [("Buyers", 0, 1), ("Other", 0, 0)]  # c2 bought once
    renamed = (await api(UPDATE, id=rule["id"], name="Loyal buyers"))["updateTagRule"]
    assert renamed["name"] == "Loyal buyers" and '"minPurchaseCount":3' in renamed["definition"]
    before = await snapshot(shop)
    for variables, message in [
        ({"name": "Other"}, "name: a tag rule named 'Other' already exists"),
        ({"d": {"anyTags": ["Risk"]}}, "definition.anyTags: the rule's own tag 'Risk' is held "
         "because of this rule; a definition cannot depend on it"),
        ({"d": {"anyTags": ["Nope"]}}, "definition.anyTags: unknown tag 'Nope'"),
    ]:  # fmt: skip
        error = await api.error(UPDATE, id=rule["id"], **variables)
        assert error["message"] == message
    error = await api.error(UPDATE, id="rule-nope", name="x")
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert await snapshot(shop) == before
