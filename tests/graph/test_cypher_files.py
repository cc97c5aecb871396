"""Every `cypher/**/*.cypher` file, checked against the migrated schema and its callers.

- EXPLAIN plans each file on the real Neo4j (syntax, types, scoping), with only the graph
  model's vocabulary known: every label, relationship type and property it names must be in
  docs/graph-model.md (the analysts' public interface), or Neo4j warns and the test fails.
- The parameters Neo4j finds in a file are the ones `graph.queries.params_of` reads from it,
  and every call in `graph/` that names the file passes exactly those.
- The columns it returns are the ones its header declares (`// Returns:`), which is what the
  Python reading the rows relies on.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graph.db import Graph
from graph.queries import all_queries, params_of
from tests.graph.conftest import explain, missing_params, unknown_tokens

ROOT = Path(__file__).resolve().parents[2]
# Constraints and indexes are run by `migrate`, not plannable by EXPLAIN; fields/ and views/
# are fragments the translator composes (tests/graph/test_translate.py checks what it makes),
# segments/checked_count, ordered_page and journeys/journey templates around compiled segments
# (test_segments_compile.py; tests/api/test_customers.py runs ordered_page,
# tests/api/test_journeys.py journey).
NOT_STATEMENTS = (
    "schema/",
    "fields/",
    "views/",
    "segments/checked_count",
    "segments/ordered_page",
    "journeys/journey",
)
FILES = sorted(name for name in all_queries() if not name.startswith(NOT_STATEMENTS))


def declared_columns(name: str) -> list[str] | None:
    match = re.search(r"^// Returns: (.+)$", all_queries()[name], re.MULTILINE)
    if match is None:
        return None
    text = match.group(1).strip()
    return [] if text == "nothing" else [column.strip() for column in text.split(",")]


@pytest.mark.parametrize("name", FILES)
async def test_file_plans_with_its_parameters_and_columns(
    session_graph: Graph, documented: None, name: str
) -> None:
    columns, statuses = await explain(session_graph, all_queries()[name])
    assert unknown_tokens(statuses) == [], f"cypher/{name}.cypher names undocumented things"
    assert missing_params(statuses) == params_of(name)
    if name.startswith("analytics/"):
        return  # the library documents its columns in its own header (test_analytics.py)
    assert columns == declared_columns(name), f"cypher/{name}.cypher: // Returns: is stale"


def calls_naming_files() -> list[tuple[str, int, str, set[str], bool]]:
    """(file, line, query name, keyword arguments, has **kwargs) of every call in graph/ and
    server.py that names a Cypher file: graph.read/read_one/write/write_one, tx.run, and the
    by_key loaders (which pass `ids`)."""
    found = []
    sources = [*sorted((ROOT / "graph").rglob("*.py")), ROOT / "server.py"]
    for source in sources:
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            method = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0] if method != "by_key" else node.args[1]
            if method not in ("read", "read_one", "write", "write_one", "run", "by_key"):
                continue
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            keywords = {k.arg for k in node.keywords if k.arg is not None}
            splat = any(k.arg is None for k in node.keywords)
            if method == "by_key":
                keywords = {"ids"}
            where = str(source.relative_to(ROOT))
            found.append((where, node.lineno, first.value, keywords, splat))
    return found


def test_every_call_passes_exactly_the_files_parameters() -> None:
    calls = calls_naming_files()
    assert len(calls) > 40  # the scan finds the calls (a broken scan must not pass)
    wrong = []
    for where, line, name, keywords, splat in calls:
        expected = params_of(name)
        if keywords != expected and not (splat and keywords <= expected):
            wrong.append(
                f"{where}:{line} {name}: passes {sorted(keywords)}, needs {sorted(expected)}"
            )
    assert wrong == []


def test_every_file_is_named_by_code() -> None:
    """No dead Cypher: each file's name appears in graph/ or server.py (the analytics library
    is run by the analyst's choice of name)."""
    named = set()
    for source in [*(ROOT / "graph").rglob("*.py"), ROOT / "server.py"]:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                named.add(node.value)
    library = {name for name in FILES if name.startswith("analytics/")}
    assert set(FILES) - named - library == set()
