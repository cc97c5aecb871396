"""Every Cypher example in the analysts' docs parses and plans on the real Neo4j."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.settings import Settings
from graph.db import Graph

DOCS = Path(__file__).resolve().parent.parent / "docs"
_BLOCK = re.compile(r"```cypher\n(.*?)```", re.DOTALL)


def cypher_examples() -> list[tuple[str, str]]:
    examples = []
    for doc in sorted(DOCS.glob("*.md")):
        for block in _BLOCK.findall(doc.read_text(encoding="utf-8")):
            for statement in block.split(";"):
                if statement.strip():
                    examples.append((doc.name, statement.strip()))
    return examples


@pytest.mark.parametrize(("doc", "statement"), cypher_examples())
async def test_example_plans(graph: Graph, doc: str, statement: str) -> None:
    params = {name: "x" for name in re.findall(r"\$(\w+)", statement)}
    await graph.run_text("docs/example", "EXPLAIN " + statement, **params)


def test_every_setting_is_in_the_operators_table() -> None:
    table = (DOCS / "operations.md").read_text(encoding="utf-8")
    names = [field.alias for field in Settings.model_fields.values() if field.alias]
    assert len(names) >= 25
    assert [name for name in names if f"| `{name}` |" not in table] == []
