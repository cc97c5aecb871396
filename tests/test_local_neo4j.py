"""`c360 neo4j start|stop|status` on a folder of its own: a second, real Neo4j."""

from __future__ import annotations

import json
import os
import socket
import stat
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import Neo4jError
from typer.testing import CliRunner

from cli.main import app
from graph.db import Graph
from graph.local.instance import LocalNeo4j

runner = CliRunner()


def c360(home: Path, *args: str) -> tuple[int, str]:
    env = {"C360_HOME": str(home), "NEO4J_URI": None, "NEO4J_PASSWORD": None}
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("own-neo4j")
    yield folder
    LocalNeo4j(folder).stop()


def test_status_of_a_new_folder_says_stopped(tmp_path: Path) -> None:
    code, output = c360(tmp_path, "neo4j", "status")
    assert code == 0
    assert "stopped" in output
    assert "bolt://127.0.0.1:7687" in output  # the default port of a new folder


def test_start_serves_bolt_and_browser_on_loopback_with_a_private_password(home: Path) -> None:
    home.chmod(0o755)  # as a user's own folder may be
    code, output = c360(home, "neo4j", "start", "--port", "0", "--heap", "512m")
    assert code == 0, output
    # C360_HOME and everything Neo4j writes in it (the store, its logs): the owner's alone
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    written = [
        path
        for folder in ("data", "logs")
        for path in (home / "neo4j" / folder).rglob("*")
        if path.is_file()
    ]
    assert len(written) > 10
    assert [p for p in written if stat.S_IMODE(p.stat().st_mode) & 0o077] == []
    assert "running" in output
    local = LocalNeo4j(home)
    config = local.config()
    assert config.bolt_port != 7687 and config.heap == "512m"

    credentials = home / "credentials"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    conf = (home / "neo4j" / "conf" / "neo4j.conf").read_text()
    assert f"server.bolt.listen_address=127.0.0.1:{config.bolt_port}" in conf
    assert "server.default_listen_address=127.0.0.1" in conf

    password = json.loads(credentials.read_text())["password"]
    uri = f"bolt://127.0.0.1:{config.bolt_port}"
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as driver:
        driver.execute_query("CREATE (:Probe {id: 'kept'})")
    with (
        neo4j.GraphDatabase.driver(uri, auth=("neo4j", "neo4j")) as driver,
        pytest.raises(neo4j.exceptions.AuthError),
    ):
        driver.verify_connectivity()  # the initial password was replaced
    browser = urllib.request.urlopen(f"http://127.0.0.1:{config.http_port}/browser/", timeout=10)
    assert browser.status == 200


def test_start_twice_is_harmless(home: Path) -> None:
    code, output = c360(home, "neo4j", "start")
    assert code == 0 and "already running" in output


def test_stop_then_start_keeps_data_and_port(home: Path) -> None:
    port = LocalNeo4j(home).config().bolt_port
    code, output = c360(home, "neo4j", "stop")
    assert code == 0 and "stopped" in output
    assert "Stopped." in (home / "neo4j" / "logs" / "neo4j.log").read_text()
    code, output = c360(home, "neo4j", "status")
    assert "stopped" in output

    code, output = c360(home, "neo4j", "start")  # no --port: reuses the recorded one
    assert code == 0, output
    assert f"bolt://127.0.0.1:{port}" in output
    local = LocalNeo4j(home)
    with neo4j.GraphDatabase.driver(
        local.status().bolt_uri, auth=("neo4j", local.password())
    ) as driver:
        records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.id AS id")
    assert [r["id"] for r in records] == ["kept"]


def test_stop_when_not_running(tmp_path: Path) -> None:
    code, output = c360(tmp_path, "neo4j", "stop")
    assert code == 0 and "not running" in output


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = c360(tmp_path, "neo4j", "start", "--port", str(port))
    assert code == 1
    assert f"port {port}" in output and "taken" in output
    assert "Traceback" not in output


def test_a_bad_heap_size_is_one_clear_line(tmp_path: Path) -> None:
    code, output = c360(tmp_path, "neo4j", "start", "--port", "0", "--heap", "lots")
    assert code == 1
    assert "--heap" in output and "Traceback" not in output


def test_a_server_that_dies_while_starting_shows_its_log(tmp_path: Path) -> None:
    # A page cache size Neo4j cannot parse passes our check but makes the server exit.
    conf_dir = tmp_path / "neo4j" / "conf"
    code, output = c360(tmp_path, "neo4j", "start", "--port", "0", "--pagecache", "0")
    assert code == 1, output
    assert "Traceback" not in output
    assert conf_dir.exists()
    assert "last lines of" in output


@pytest.mark.skipif("C360_TEST_NEO4J_URI" in os.environ, reason="needs the local test Neo4j")
async def test_load_csv_reads_only_the_import_folder(graph: Graph) -> None:
    """Analysts' read-only Cypher must not read the machine's files through LOAD CSV."""
    with pytest.raises(Neo4jError, match=r"(?i)couldn't load the external resource|not found"):
        await graph.run_text(
            "tests/load_csv", "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN count(line)"
        )
