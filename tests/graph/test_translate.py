"""The translator, the @neo4j/graphql TCK way: a selection in, the exact Cypher out, and
every fragment and a selection using all of them planned (EXPLAIN) on the real Neo4j with only
the documented graph model known to it. Answers are compared end to end in
tests/api/test_translated_reads.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.db import Graph
from graph.translate import projection
from graph.translate.projection import fragment, fragments, loader, view
from graph.translate.selection import Selection
from tests.graph.conftest import explain, missing_params, unknown_tokens

S = Selection
PAGE = {"limit": 6, "types": None, "since": None, "afterSeconds": None, "afterNanos": None,
        "afterId": None}  # fmt: skip


TIMELINE = {"limit": 3, "afterSeconds": None, "afterNanos": None, "afterRank": None,
            "afterId": None, "kinds": None}  # fmt: skip


def nodes(*children: Selection) -> tuple[Selection, ...]:
    """A connection's `edges { node { ... } }`."""
    return (S("edges", "edges", children=(S("node", "node", children=children),)),)


FIELDS = sorted(tuple(key.split("/")) for key in fragments() if not key.startswith("views/"))


def test_a_customer_with_its_stage_and_aliased_products() -> None:
    selection = (
        S("name", "name"),
        S("email", "email"),
        S("stage", "stage"),
        S("purchasedProducts", "products", children=(S("name", "name"), S("id", "id"))),
    )
    text, params = view("customer", selection, id="c1")
    assert text == (
        "OPTIONAL MATCH (own1:Customer {id: $id})\n"
        "OPTIONAL MATCH (:CustomerAlias {id: $id})-[:ALIAS_OF]->(merged1:Customer)\n"
        "WITH coalesce(own1, merged1) AS n1\n"
        "WHERE n1 IS NOT NULL\n"
        "RETURN n1 {.id, .name, .email, _fetched: {"
        "`stage`: head(COLLECT { MATCH (n1)-[:IN_STAGE]->(stage2:LifecycleStage) "
        "RETURN stage2.name }), "
        "`products`: COLLECT {\n"
        "  MATCH (n1)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(n3:Product)\n"
        "  WITH DISTINCT n3 ORDER BY n3.id\n"
        "  RETURN n3 {.id, .name}\n"
        "}}} AS customer"
    )
    assert params == {"id": "c1"}


def test_the_example_in_the_docs_is_what_the_translator_makes() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "reads.md").read_text()
    example = doc.split("```cypher\n", 1)[1].split("```", 1)[0]
    selection = (
        S("name", "name"),
        S("stage", "stage"),
        S("purchasedProducts", "purchasedProducts", children=(S("name", "name"),)),
    )
    assert view("customer", selection, id="C0000042")[0] + "\n" == example


def test_a_field_asked_twice_keeps_its_own_parameters_and_variables() -> None:
    newest = S("interactions", "newest", {**PAGE, "limit": 2}, (S("totalCount", "totalCount"),))
    calls = S("interactions", "calls", {**PAGE, "types": ["CALL"]}, (S("totalCount", "n"),))
    text, params = view("customer", (newest, calls), id="c1")
    assert params["f2_limit"] == 2 and params["f2_types"] is None
    assert params["f3_limit"] == 6 and params["f3_types"] == ["CALL"]
    assert "`newest`: {" in text and "`calls`: {" in text
    assert "(n1)-[:HAD]->(n2:Interaction)" in text and "(n1)-[:HAD]->(n3:Interaction)" in text


def test_values_travel_as_parameters_only() -> None:
    hostile = "x'}) DETACH DELETE (n) //"
    text, params = view("customers", (S("name", "name"),), limit=3, after=hostile)
    assert hostile not in text and params == {"limit": 3, "after": hostile}


def test_nested_nodes_project_only_what_is_selected_and_what_their_types_need() -> None:
    """Interaction nodes always carry `type` (the schema type is built from it) and their
    customer's and product's ids (for fields left to the DataLoaders); `occurredAt` only when
    selected (decoding a DateTime is the driver's costliest value)."""
    interactions = S("interactions", "interactions", PAGE, nodes(S("id", "id")))
    text, _ = view("customer", (interactions,), id="c1")
    assert "n2 {.id, .type, customerId: n1.id," in text
    interactions = S("interactions", "interactions", PAGE, nodes(S("occurredAt", "at")))
    text, _ = view("customer", (interactions,), id="c1")
    assert "n2 {.id, .type, .occurredAt, customerId: n1.id," in text


def test_fields_without_fragments_are_left_out() -> None:
    text, _ = view("customer", (S("tasks", "tasks"), S("__typename", "__typename")), id="c1")
    assert text.endswith("WHERE n1 IS NOT NULL\nRETURN n1 {.id, .name} AS customer")


@pytest.mark.parametrize(("type_name", "field_name"), FIELDS)
async def test_every_fragment_plans_as_a_loader(
    session_graph: Graph, documented: None, type_name: str, field_name: str
) -> None:
    part = fragment(type_name, field_name)
    assert part is not None
    columns, statuses = await explain(session_graph, loader(type_name, field_name))
    assert columns == ["key", "value"]
    assert unknown_tokens(statuses) == []
    assert missing_params(statuses) == {"ids"} | part.params


def everything(depth: int) -> tuple[Selection, ...]:
    """A Customer selection using every fragment, nested `depth` levels through them."""
    customer = [S("name", "name"), S("email", "email")]
    tag = [S("name", "name")]
    product = [S("name", "name")]
    interaction = [S("type", "type"), S("amount", "amount")]
    if depth > 0:
        below = everything(depth - 1)
        tag += [S("parent", "parent", children=(S("name", "name"),)),
                S("children", "children", children=(S("name", "name"),)),
                S("aliases", "aliases"), S("customerCount", "customerCount"),
                S("customers", "customers", {"limit": 3, "after": ""}, nodes(*below))]  # fmt: skip
        product += [S("buyerCount", "buyerCount")]
        interaction += [S("product", "product", children=tuple(product)),
                        S("customer", "customer", children=below)]  # fmt: skip
        customer += [
            S("stage", "stage"), S("totalSpend", "totalSpend"),
            S("purchaseCount", "purchaseCount"), S("lastPurchaseAt", "lastPurchaseAt"),
            S("tags", "tags", {"asOf": None}, children=tuple(tag)),
            S("tagAssignments", "tagAssignments", children=(S("tag", "tag", children=tuple(tag)),)),
            S("purchasedProducts", "purchasedProducts", children=tuple(product)),
            S("interactions", "interactions", PAGE, nodes(*interaction)),
        ]  # fmt: skip
    if depth == 3:  # the history's fragments are large: once, at the top, keeps planning short
        customer += [
            S("tags", "pastTags", {"asOf": datetime(2025, 1, 1, tzinfo=UTC)}, children=tuple(tag)),
            S("timeline", "timeline", TIMELINE),
        ]
    return tuple(customer)


@pytest.mark.parametrize("name", ["customer", "customers"])
async def test_a_selection_using_every_fragment_three_deep_plans(
    session_graph: Graph, documented: None, name: str
) -> None:
    params = {"id": "c1"} if name == "customer" else {"limit": 3, "after": ""}
    text, bound = view(name, everything(3), **params)
    used = {part.name for part in fragments().values() if part.name in text}
    assert text.count("COLLECT {") > 100
    columns, statuses = await explain(session_graph, text)
    assert columns == (["customer"] if name == "customer" else ["rows", "total"])
    assert unknown_tokens(statuses) == []
    assert missing_params(statuses) == set(bound)
    assert used == set()  # fragment names never leak into the text (comments are stripped)


def with_values(selections: tuple[Selection, ...], bump: int) -> tuple[Selection, ...]:
    """The same shape with other values: every `limit` parameter raised by `bump`."""
    return tuple(
        Selection(
            s.name,
            s.key,
            {k: v + bump if k == "limit" else v for k, v in s.params.items()},
            with_values(s.children, bump),
        )
        for s in selections
    )


def test_a_cached_statement_takes_the_new_values() -> None:
    """The text is built once per shape; a later request of the same shape gets that text
    with its own values, exactly what building it afresh gives."""
    projection._views.clear()
    shape = everything(3)
    first = view("customers", shape, limit=3, after="")
    other = with_values(shape, 10)
    cached = view("customers", other, limit=7, after="c9")
    projection._views.clear()
    fresh = view("customers", other, limit=7, after="c9")
    assert cached == fresh
    assert cached[0] == first[0] and cached[1] != first[1]
    assert sorted(v for k, v in cached[1].items() if k.endswith("_limit")) == sorted(
        v + 10 for k, v in first[1].items() if k.endswith("_limit")
    )


def test_every_projecting_fragment_has_one_fields_placeholder() -> None:
    """What the parameters-only walk of a cached statement relies on (Statement.render)."""
    for part in fragments().values():
        assert part.text.count("{{fields}}") == (part.projects is not None), part.name
