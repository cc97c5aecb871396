"""`c360 cypher` as an analyst runs it (CliRunner, real test Neo4j): read-only, three formats,
parameters, files, the analytics library, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import neo4j
import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from core.errors import BadUserInput
from core.settings import Settings
from graph.analytics.library import library, parse_param
from graph.db import Graph

if TYPE_CHECKING:
    from tests.conftest import Neo4jServer

runner = CliRunner()

SETUP = """
CREATE (a:Customer {id: 'c1', name: '王丹', city: '上海', scores: [1, 2],
                    createdAt: datetime('2025-03-04T05:06:07Z'), birthDate: date('1990-04-01')})
CREATE (b:Customer {id: 'c2', name: 'Bob [x]', city: '北京'})
CREATE (t:Tag {id: 't1', name: 'VIP', category: '客户类型'})
CREATE (a)-[:HAS_TAG {source: 'MANUAL', assignedAt: datetime('2026-01-02T03:04:05.123Z')}]->(t)
"""


@pytest.fixture(scope="module")
def driver(neo4j_server: Neo4jServer) -> Iterator[neo4j.Driver]:
    with neo4j.GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)
    ) as d:
        yield d


@pytest.fixture
def data(graph: Graph, settings: Settings, driver: neo4j.Driver) -> neo4j.Driver:
    """Two customers and a tag on the wiped test database."""
    driver.execute_query(SETUP, database_="neo4j")
    return driver


def cypher(*args: str, **env: str) -> Result:
    result = runner.invoke(app, ["cypher", *args], env=env or None)
    assert "Traceback" not in result.output
    return result


def error_line(result: Result) -> str:
    """The one line a failed command prints (and it must be only one)."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("hint:")), lines
    assert result.stdout == ""
    return lines[0]


def snapshot(driver: neo4j.Driver) -> dict[str, Any]:
    """Everything a write could change: data, tokens, schema, users and databases."""

    def rows(query: str, database: str = "neo4j") -> list[str]:
        records, _, _ = driver.execute_query(query, database_=database)
        return sorted(repr(r.data()) for r in records)

    return {
        "nodes": rows("MATCH (n) RETURN labels(n) AS l, properties(n) AS p"),
        "rels": rows("MATCH (a)-[r]->(b) RETURN a.id, type(r), properties(r) AS p, b.id"),
        "labels": rows("CALL db.labels()"),
        "types": rows("CALL db.relationshipTypes()"),
        "keys": rows("CALL db.propertyKeys()"),
        "indexes": rows("SHOW INDEXES YIELD name, labelsOrTypes, properties"),
        "constraints": rows("SHOW CONSTRAINTS YIELD name"),
        "users": rows("SHOW USERS YIELD user", database="system"),
        "databases": rows("SHOW DATABASES YIELD name", database="system"),
    }  # fmt: skip


# -- output formats ------------------------------------------------------------------------


def test_json_rows_are_objects_with_plain_values(data: neo4j.Driver) -> None:
    result = cypher(
        "MATCH (c:Customer {id: 'c1'})-[r:HAS_TAG]->(t:Tag) "
        "RETURN c.id AS id, c.createdAt AS created, c.birthDate AS born, r.assignedAt AS at, "
        "duration.between(c.createdAt, r.assignedAt) AS took, c.scores AS scores, "
        "t AS tag, r AS assignment, {n: 1, missing: null} AS map",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": "c1",
            "created": "2025-03-04T05:06:07Z",
            "born": "1990-04-01",
            "at": "2026-01-02T03:04:05.123000Z",
            "took": "P9M28DT21H57M58.123S",
            "scores": [1, 2],
            "tag": {"_labels": ["Tag"], "id": "t1", "name": "VIP", "category": "客户类型"},
            "assignment": {
                "_type": "HAS_TAG",
                "source": "MANUAL",
                "assignedAt": "2026-01-02T03:04:05.123000Z",
            },
            "map": {"n": 1, "missing": None},
        }
    ]
    assert "王丹" not in result.stdout  # only what was asked for
    assert result.stderr == ""


def test_json_paths_and_empty_results(data: neo4j.Driver) -> None:
    result = cypher(
        "MATCH p = (:Tag)<-[:HAS_TAG]-(c:Customer) RETURN p, c.name AS name", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    tag, rel, customer = row["p"]
    assert (tag["name"], rel["_type"], customer["id"]) == ("VIP", "HAS_TAG", "c1")
    assert row["name"] == "王丹"  # not escaped: the output is UTF-8
    empty = cypher("MATCH (c:Customer {id: 'nobody'}) RETURN c", "--format", "json")
    assert empty.exit_code == 0 and json.loads(empty.stdout) == []


def test_csv_has_a_header_and_json_encodes_nested_values(data: neo4j.Driver) -> None:
    result = cypher(
        "MATCH (c:Customer) RETURN c.id AS id, c.name AS name, c.scores AS scores, "
        "c.createdAt AS created, c.id = 'c1' AS first ORDER BY id",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["id", "name", "scores", "created", "first"],
        ["c1", "王丹", "[1, 2]", "2025-03-04T05:06:07Z", "true"],
        ["c2", "Bob [x]", "", "", "false"],
    ]
    empty = cypher("MATCH (c:Customer {id: 'x'}) RETURN c.id AS id, c.name AS n", "--format", "csv")
    assert empty.exit_code == 0 and empty.stdout == "id,n\n"


def test_table_is_the_default(data: neo4j.Driver) -> None:
    result = cypher("MATCH (c:Customer) RETURN c.id AS id, c.name AS name ORDER BY id")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "id" in out and "name" in out and "王丹" in out
    assert "Bob [x]" in out  # shown as text, not read as Rich markup
    assert "2 rows" in out


def test_neo4j_warnings_go_to_stderr_in_one_line_each(data: neo4j.Driver) -> None:
    result = cypher("MATCH (c:Custommer) RETURN count(c) AS n", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": 0}]
    [warning] = result.stderr.strip().splitlines()
    assert warning.startswith("warning: ") and "Custommer" in warning


# -- parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("n=180", ("n", 180)),
        ("x=1.5", ("x", 1.5)),
        ("ok=true", ("ok", True)),
        ("none=null", ("none", None)),
        ('ids=["C1", "C2"]', ("ids", ["C1", "C2"])),
        ('s="42"', ("s", "42")),
        ("city=上海", ("city", "上海")),
        ("q=a=b", ("q", "a=b")),
        ("empty=", ("empty", "")),
        ('m={"a": 1}', ("m", {"a": 1})),
    ],
)
def test_param_values_are_json_when_they_parse(text: str, expected: tuple[str, Any]) -> None:
    assert parse_param(text) == expected


@pytest.mark.parametrize("text", ["days", "=5", "two words=1", "1st=2"])
def test_a_bad_param_is_refused(text: str) -> None:
    with pytest.raises(BadUserInput):
        parse_param(text)


def test_params_reach_the_query_with_their_types(data: neo4j.Driver) -> None:
    result = cypher(
        "RETURN $n + 1 AS n, $ids AS ids, $city AS city, $s AS s, $flag AS flag",
        *("--param", "n=41", "-p", 'ids=["c1","c2"]', "-p", "city=上海", "-p", 's="7"'),
        *("--param", "flag=false", "--format", "json"),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"n": 42, "ids": ["c1", "c2"], "city": "上海", "s": "7", "flag": False}
    ]
    found = cypher(
        "MATCH (c:Customer) WHERE c.id IN $ids RETURN c.name AS name ORDER BY name",
        *("-p", 'ids=["c1","c2"]', "--format", "csv"),
    )
    assert found.stdout.splitlines() == ["name", "Bob [x]", "王丹"]


def test_param_without_equals_is_one_line_error(settings: Settings) -> None:
    line = error_line(cypher("RETURN $days", "--param", "days"))
    assert line == "error: --param: 'days' is not NAME=VALUE (e.g. --param days=180)"


def test_missing_parameter_is_neo4j_s_one_line_reason(graph: Graph, settings: Settings) -> None:
    line = error_line(cypher("RETURN $days AS d"))
    assert line == "error: Expected parameter(s): days"


# -- query sources -------------------------------------------------------------------------


def test_query_from_a_file(data: neo4j.Driver, tmp_path: Path) -> None:
    path = tmp_path / "q.cypher"
    path.write_text(
        "// customers in a city\nMATCH (c:Customer {city: $city})\nRETURN c.id AS id;\n",
        encoding="utf-8",
    )
    result = cypher("--file", str(path), "-p", "city=北京", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["id", "c2"]


ONE_SOURCE = "error: give exactly one of QUERY, --file or --analytics"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ONE_SOURCE),
        (["RETURN 1", "--file", "x.cypher"], ONE_SOURCE),
        (["RETURN 1", "--analytics", "channel_mix"], ONE_SOURCE),
        (["--file", "/nonexistent/q.cypher"], "error: /nonexistent/q.cypher: no such file"),
        (["--file", "/"], "error: /: not a file"),
        (["   "], "error: QUERY: the query is empty"),
    ],
)  # fmt: skip
def test_query_source_errors(settings: Settings, args: list[str], expected: str) -> None:
    assert error_line(cypher(*args)) == expected


# -- read-only -----------------------------------------------------------------------------

WRITES = [
    "CREATE (:Customer {id: 'c3', name: 'new'})",
    "MERGE (c:Customer {id: 'c9'}) RETURN c",
    "MATCH (c:Customer {id: 'c1'}) SET c.name = 'changed'",
    "MATCH (c:Customer {id: 'c1'}) REMOVE c.city",
    "MATCH (c:Customer {id: 'c2'}) DELETE c",
    "MATCH (n) DETACH DELETE n",
    "MATCH (c:Customer) SET c:Flagged",
    "MATCH (a:Customer {id: 'c2'}), (t:Tag) CREATE (a)-[:HAS_TAG]->(t)",
    "MATCH (c:Customer) RETURN c.id AS id "
    "UNION MATCH (c:Customer {id: 'c1'}) SET c.x = 1 RETURN c.id AS id",
    "MATCH (c:Customer) CALL (c) { SET c.touched = true } RETURN count(*) AS n",
    "MATCH (c:Customer) CALL (c) { SET c.batch = 1 } IN TRANSACTIONS",
    "LOAD CSV FROM 'file:///etc/hostname' AS line CREATE (:Line {text: line[0]})",
    "FOREACH (i IN range(1, 3) | CREATE (:Junk {i: i}))",
    "CREATE INDEX analyst_index FOR (c:Customer) ON (c.nickname)",
    "CREATE CONSTRAINT analyst_unique FOR (c:Customer) REQUIRE c.nickname IS UNIQUE",
    "DROP INDEX customer_city IF EXISTS",
    "CALL db.createLabel('Scribble')",
    "CALL db.createProperty('scribble')",
    "CREATE USER analyst SET PASSWORD 'a-long-password'",
    "CREATE DATABASE scratch",
    "ALTER DATABASE neo4j SET ACCESS READ ONLY",
]  # fmt: skip


@pytest.mark.parametrize("statement", WRITES)
def test_writes_are_refused_and_change_nothing(data: neo4j.Driver, statement: str) -> None:
    before = snapshot(data)
    line = error_line(cypher(statement))
    assert line.startswith("error: c360 cypher is read-only: "), line
    assert snapshot(data) == before


def test_the_installed_command_refuses_a_write_in_one_line(data: neo4j.Driver) -> None:
    """The console script as a shell runs it: exit status 1, one line, no traceback."""
    before = snapshot(data)
    c360 = Path(sys.executable).parent / "c360"
    done = subprocess.run(
        [str(c360), "cypher", "MERGE (c:Customer {id: 'c1'}) SET c.name = $name", "-p", "name=x"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: c360 cypher is read-only: Neo4j refused to write (Writing in read access mode "
        "not allowed. Attempted write to neo4j)"
    ]
    assert snapshot(data) == before


def test_the_snapshot_sees_a_write(data: neo4j.Driver) -> None:
    """The read-only test above could not fail if its snapshot missed changes."""
    before = snapshot(data)
    key = f"scribble{uuid.uuid4().hex}"  # property keys outlive a wipe: a new one each run
    data.execute_query("CALL db.createProperty($key)", key=key, database_="neo4j")
    assert snapshot(data) != before
    again = snapshot(data)
    data.execute_query("MATCH (c:Customer {id: 'c1'}) SET c.name = 'x'", database_="neo4j")
    assert snapshot(data) != again


def test_a_read_after_a_refused_write_still_works(data: neo4j.Driver) -> None:
    assert cypher("CREATE (:X)").exit_code == 1
    result = cypher("MATCH (c:Customer) RETURN count(c) AS n", "--format", "csv")
    assert result.stdout.splitlines() == ["n", "2"]


# -- errors --------------------------------------------------------------------------------


def test_syntax_error_is_neo4j_s_message_in_one_line(graph: Graph, settings: Settings) -> None:
    line = error_line(cypher("MATC (c:Customer) RETURN c"))
    assert line.startswith("error: Invalid input 'MATC'") and "(line 1, column 1" in line


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("RETURN 1 / 0 AS x", "error: / by zero"),
        ("RETURN 1; RETURN 2", "error: Expected exactly one statement per query but got: 2"),
        ("RETURN toInteger([1]) AS x", "error: "),
    ],
)
def test_runtime_errors_are_one_line(
    graph: Graph, settings: Settings, statement: str, reason: str
) -> None:
    assert error_line(cypher(statement)).startswith(reason)


def test_a_query_over_the_time_limit_is_stopped(graph: Graph, settings: Settings) -> None:
    slow = "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n"
    line = error_line(cypher(slow, C360_QUERY_TIMEOUT="1"))
    assert line == (
        "error: the query ran longer than 1 s and was stopped "
        "(set C360_QUERY_TIMEOUT to allow longer)"
    )


def test_unreachable_neo4j_is_one_line(settings: Settings) -> None:
    line = error_line(cypher("RETURN 1", NEO4J_URI="bolt://127.0.0.1:1", C360_MAX_RETRY_TIME="1"))
    assert line.startswith("error: cannot connect to Neo4j at bolt://127.0.0.1:1")


# -- the analytics library from the command line ---------------------------------------------


def test_list_shows_every_library_query(settings: Settings) -> None:
    result = runner.invoke(app, ["cypher", "--list"], terminal_width=200)
    assert result.exit_code == 0, result.output
    names = library()
    for name in names:
        assert name in result.stdout


def test_analytics_query_runs_with_its_defaults_and_given_params(data: neo4j.Driver) -> None:
    result = cypher("--analytics", "tag_coverage", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["category"] for r in rows] == ["客户类型"]
    assert rows[0]["customersTagged"] == 1 and rows[0]["customers"] == 2
    named = cypher(
        "-a", "analytics/tag_distribution.cypher", "-p", "category=客户类型", "--format", "json"
    )
    assert named.exit_code == 0, named.output
    assert [(r["tag"], r["holders"]) for r in json.loads(named.stdout)] == [("VIP", 1)]


def test_analytics_unknown_name_or_param_is_one_line(settings: Settings) -> None:
    assert error_line(cypher("--analytics", "nope")) == (
        "error: --analytics: analytics query not found: 'nope'"
    )
    line = error_line(cypher("--analytics", "tag_distribution", "-p", "categry=x"))
    assert line.startswith(
        "error: --param: analytics/tag_distribution has no parameter 'categry' (takes "
    )
