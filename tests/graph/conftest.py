"""Shared by the tests of Cypher: EXPLAIN on the real Neo4j, with only the documented graph
model known to it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from neo4j import NotificationMinimumSeverity

from graph.db import Graph

ROOT = Path(__file__).resolve().parents[2]
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
    """EXPLAIN `text` without parameter values: its columns and Neo4j's notifications."""
    async with graph.driver.session(
        database=graph.database, notifications_min_severity=NotificationMinimumSeverity.WARNING
    ) as session:
        result = await session.run("EXPLAIN " + text)
        columns = list(result.keys())
        summary = await result.consume()
    return columns, list(summary.gql_status_objects)


def unknown_tokens(statuses: list[Any]) -> list[str]:
    """Neo4j's warnings about labels, relationship types and properties it does not know."""
    return [
        f"{UNKNOWN_TOKEN[s.gql_status]}: {s.status_description}"
        for s in statuses
        if s.gql_status in UNKNOWN_TOKEN
    ]


def missing_params(statuses: list[Any]) -> set[str]:
    """The parameters Neo4j found in a statement EXPLAINed without values."""
    missing: set[str] = set()
    for status in statuses:
        if status.gql_status == "01N60":
            missing |= set(re.findall(r"\$`([^`]+)`", status.status_description))
    return missing
