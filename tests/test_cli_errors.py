"""Connection problems end a command with one line on stderr and exit 1, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cli.main import app

if TYPE_CHECKING:
    from tests.conftest import Neo4jServer

runner = CliRunner()


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("bolt://127.0.0.1:1", "cannot connect to Neo4j at bolt://127.0.0.1:1"),
        ("nonsense://host", "NEO4J_URI 'nonsense://host' is not a Neo4j address"),
    ],
)
def test_unreachable_or_malformed_uri(uri: str, expected: str) -> None:
    result = runner.invoke(app, ["migrate"], env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "x"})
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output


def test_wrong_password(neo4j_server: Neo4jServer) -> None:
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "wrong"}
    result = runner.invoke(app, ["migrate"], env=env)
    assert result.exit_code == 1
    assert "refused the credentials" in result.output
    assert "Traceback" not in result.output
