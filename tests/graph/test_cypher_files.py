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
from typing import Any

import pytest
from neo4j import NotificationMinimumSeverity

from graph.db import Graph
from graph.queries import all_queries, params_of

ROOT = Path(__file__).resolve().parents[2]
DDL = ("schema/",)  # constraints and indexes: run by `migrate`, not plannable by EXPLAIN
FILES = sorted(name for name in all_queries() if not name.startswith(DDL))
UNKNOWN_TOKEN = {"01N50": "label", "01N51": "relationship type", "01N52": "property key"}


def vocabulary() -> tuple[set[str], set[str], set[str]]:
    """Labels, relationship types and property keys docs/graph-model.md names."""
    doc = (ROOT / "docs" / "graph-model.md").read_text()
    quoted = set(re.findall(r"`([A-Za-z][A-Za-z0-9]*)`", doc))
    labels = {word for word in quoted if re.fullmatch(r"(?:[A-Z][a-z0-9]+)+", word)}
    labels |= set(re.findall(r"\(:([A-Z][A-Za-z]*)", doc))
    types = set(re.findall(r"\[:([A-Z_]+)", doc))
    keys = {word for word in quoted if re.fullmatch(r"[a-z][A-Za-z0-9]*", word)}
    return labels, types, keys


@pytest.fixture(scope="module")
async def documented(session_graph: Graph) -> None:
    """The documented vocabulary made known to Neo4j (tokens outlive the nodes)."""
    labels, types, keys = vocabulary()
    await session_graph.run_text(
        "tests/vocabulary",
        """
        UNWIND $labels AS label
        CREATE (n) SET n:$(label)
        WITH collect(n) AS nodes
        UNWIND $types AS type
        CREATE (a:VocabularyProbe)-[r:$(type)]->(b:VocabularyProbe)
        SET r = $props, a = $props
        WITH nodes, collect(a) + collect(b) AS probes
        FOREACH (n IN nodes + probes | DETACH DELETE n)
        """,
        write=True,
        labels=sorted(labels),
        types=sorted(types),
        props={key: 1 for key in keys},
    )


async def explain(graph: Graph, text: str) -> tuple[list[str], list[Any]]:
    async with graph.driver.session(
        database=graph.database, notifications_min_severity=NotificationMinimumSeverity.WARNING
    ) as session:
        result = await session.run("EXPLAIN " + text)
        columns = list(result.keys())
        summary = await result.consume()
    return columns, list(summary.gql_status_objects)


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
    unknown = [
        f"{UNKNOWN_TOKEN[s.gql_status]}: {s.status_description}"
        for s in statuses
        if s.gql_status in UNKNOWN_TOKEN
    ]
    assert unknown == [], f"cypher/{name}.cypher names what docs/graph-model.md does not"
    missing = set()
    for status in statuses:
        if status.gql_status == "01N60":  # parameter missing: EXPLAIN ran without values
            missing |= set(re.findall(r"\$`([^`]+)`", status.status_description))
    assert missing == params_of(name)
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
    assert len(calls) > 50  # the scan finds the calls (a broken scan must not pass)
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
