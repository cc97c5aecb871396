"""The GraphQL examples printed in the README run on the demo graph and return data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from graph.db import Graph
from graph.ingest.seed import seed_graph
from tests.api.conftest import Api

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLES = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("document", EXAMPLES, ids=lambda d: d.split()[0] + str(len(d)))
async def test_readme_example_returns_data(graph: Graph, api: Api, document: str) -> None:
    report = await seed_graph(graph, customers=20, seed=42)
    assert report.ok
    data = await api(document)
    values = [leaf for leaf in leaves(data) if leaf not in (None, 0, [], "")]
    assert len(values) >= 3, data
