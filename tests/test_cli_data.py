"""`c360 import` and `c360 seed` as a user runs them (CliRunner, real test Neo4j)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_import import GOOD, write_lines
from typer.testing import CliRunner

from cli.main import app
from core.settings import Settings
from graph.db import Graph

runner = CliRunner()


def test_import_applies_a_file_and_prints_a_summary(
    graph: Graph, settings: Settings, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "good.jsonl", GOOD)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "interaction" in result.stdout and "rejected" in result.stdout
    assert f"Imported {len(GOOD)} lines in" in result.stdout
    assert result.stderr.strip() == ""


def test_import_lists_rejected_lines_and_exits_non_zero(
    graph: Graph, settings: Settings, tmp_path: Path
) -> None:
    path = write_lines(
        tmp_path / "mixed.jsonl",
        [
            {"kind": "customer", "id": "c1", "name": "好"},
            "{broken",
            {"kind": "interaction", "id": "i1", "customerId": "ghost", "type": "CALL",
             "occurredAt": "2025-01-01T00:00:00Z"},
            {"kind": "customer", "id": "c2", "name": "好", "birthDate": "01/02/1990"},
        ],
    )  # fmt: skip
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{path}:2: not valid JSON: ")
    assert errors[1:3] == [
        f"{path}:3: customerId: no customer 'ghost' in the import or the graph",
        f"{path}:4: birthDate: '01/02/1990' is not a date like 1990-04-01",
    ]
    assert errors[-1] == "error: 3 of 4 lines rejected"
    assert "Imported 4 lines" in result.stdout  # the good line was applied and counted


@pytest.mark.parametrize("target", ["missing.jsonl", "."])
def test_import_of_a_path_that_is_no_file_fails_in_one_line(
    settings: Settings, tmp_path: Path, target: str
) -> None:
    path = tmp_path / target
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    reason = "no such file" if target != "." else "not a file"
    assert result.stderr.strip().splitlines() == [f"error: {path}: {reason}"]


def test_import_with_neo4j_unreachable_fails_in_one_line(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("C360_MAX_RETRY_TIME", "1")
    path = write_lines(tmp_path / "good.jsonl", GOOD)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Neo4j" in lines[0]


def test_seed_builds_the_demo_graph(graph: Graph, settings: Settings) -> None:
    result = runner.invoke(app, ["seed", "--customers", "20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "Seeded" in result.stdout and "customer" in result.stdout
    again = runner.invoke(app, ["seed", "--customers", "20", "--seed", "3"])
    assert again.exit_code == 0, again.output
    assert "stage (skipped: not newer)" in again.stdout  # the second run changed nothing


def test_seed_rejects_a_negative_count(settings: Settings) -> None:
    result = runner.invoke(app, ["seed", "--customers", "-1"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
