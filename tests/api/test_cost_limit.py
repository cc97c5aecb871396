"""The cost limit (operations.md, "Bounded requests"): a request estimated over C360_MAX_NODES
objects is refused with QUERY_TOO_COMPLEX before any Cypher runs."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse

from core.settings import Settings
from graph.db import Graph, counting_round_trips
from schema.cost import estimate
from schema.root import schema
from tests.api.conftest import Api

# The probe: depth 9 without aliases, 187k objects built in 12.9 s before the limit.
NESTED = (
    "{ tags { customers(first: 25) { edges { node { tags { customers(first: 25) "
    "{ edges { node { id } } } } } } } } }"
)
WALK = 'similarCustomers(customerId: "c1", first: 100) { customer { id } }'
ALIASED = "{ " + " ".join(f"a{i}: {WALK}" for i in range(30)) + " }"


def size(document: str, **variables: object) -> int:
    settings = Settings.model_construct()
    return estimate(schema._schema, parse(document), None, variables, settings)


def test_each_list_multiplies_by_its_page() -> None:
    # connection 1 + 7 edges + 7 nodes; each node's tags assumed 20 (schema/cost.UNPAGED)
    page = "{ customers(first: 7) { edges { node { id tags { name } } } } }"
    assert size(page) == 1 + 7 + 7 + 140
    # the argument's default (20), a variable, a variable's default
    assert size("{ customers { edges { node { id } } } }") == 41
    assert size("query($n: Int) { customers(first: $n) { edges { node { id } } } }", n=3) == 7
    assert size("query($n: Int = 2) { customers(first: $n) { edges { cursor } } }") == 3
    assert size("query($n: Int) { customers(first: $n) { edges { cursor } } }") == 21  # unset
    assert size("query($n: Int) { customers(first: $n) { edges { cursor } } }", n=None) == 1001
    # fragments count where they are spread; scalars, __typename and introspection count 0
    assert size("{ ...F } fragment F on Query { customer(id: \"x\") { ...G } } "
                "fragment G on Customer { tasks { id } }") == 1 + 20  # fmt: skip
    assert size("{ __typename __schema { types { fields { name } } } }") == 0


def test_the_documented_examples_stay_far_below_the_limit() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```graphql\n(.*?)```", readme, re.DOTALL)
    map_js = (Path(__file__).resolve().parents[2] / "web/map/map.js").read_text(encoding="utf-8")
    map_queries = re.findall(r"const [A-Z_]+ = `\n?(.*?)`;", map_js, re.DOTALL)
    assert len(examples) >= 4 and len(map_queries) == 4
    for document in examples + map_queries:
        assert size(document, id="c1") < 5_000, document


async def test_a_deep_nesting_is_refused_before_any_cypher(api: Api, shop: Graph) -> None:
    with counting_round_trips() as counter:
        result = await api.execute(NESTED)
    assert counter.count == 0
    assert result.data is None
    [error] = result.errors or []
    assert error.extensions == {"code": "QUERY_TOO_COMPLEX"}
    # 500 tags (assumed), 500 connections, 12,500 edges and nodes, 250,000 of their tags
    assert error.message == (
        "the request could return at least 276,000 objects, more than the limit of 50,000 "
        "(C360_MAX_NODES): ask for smaller pages or fewer levels"
    )


async def test_thirty_similarity_walks_are_refused(api: Api, shop: Graph) -> None:
    result = await api.execute(ALIASED)
    assert [e.extensions for e in result.errors or []] == [{"code": "QUERY_TOO_COMPLEX"}]
    assert "50,500" in (result.errors or [])[0].message
    fewer = "{ " + " ".join(f"a{i}: {WALK}" for i in range(20)) + " }"
    assert (await api.execute(fewer)).errors is None


async def test_a_large_page_through_a_variable_is_refused(api: Api, shop: Graph) -> None:
    document = "query($n: Int) { customers(first: $n) { edges { node { tags { customers(first: $n) { edges { cursor } } } } } } }"  # noqa: E501
    assert (await api.execute(document, n=5)).errors is None
    result = await api.execute(document, n=1000)
    assert [e.extensions for e in result.errors or []] == [{"code": "QUERY_TOO_COMPLEX"}]


async def test_the_limit_is_a_setting(api: Api, shop: Graph) -> None:
    tight = Api(api.graph, api.settings.model_copy(update={"max_nodes": 10}))
    result = await tight.execute("{ customers(first: 5) { edges { node { id } } } }")
    assert [e.extensions for e in result.errors or []] == [{"code": "QUERY_TOO_COMPLEX"}]
    assert "11 objects, more than the limit of 10" in (result.errors or [])[0].message


async def test_a_fragment_bomb_is_refused_without_walking_it(api: Api, shop: Graph) -> None:
    """Fragments spreading the next one twice: 2^40 fields to walk, all scalars."""
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    document = "{ ...F0 } " + fragments + " fragment F40 on Query { __typename }"
    result = await api.execute(document)
    assert [e.extensions for e in result.errors or []] == [{"code": "QUERY_TOO_COMPLEX"}]
    assert (result.errors or [])[0].message == (
        "the request's fragments expand to more than 100,000 fields: spread fewer"
    )


def test_the_default_is_the_contracts() -> None:
    assert Settings.model_construct().max_nodes == 50_000
