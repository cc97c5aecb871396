"""One real Neo4j per test session, migrated once, wiped before each test that uses it.

The server is a throw-away local Neo4j in a temporary C360_HOME on free ports. Set
`C360_TEST_HOME` to keep and reuse one between runs (faster while developing), or
`C360_TEST_NEO4J_URI` (+ `_USER`, `_PASSWORD`) to point at a server you run yourself; its
database is wiped, so never point it at data you want to keep.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest

from core.settings import Settings
from graph.db import Graph, open_graph
from graph.local.instance import USER, LocalNeo4j
from graph.migrate import migrate


@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    user: str
    password: str
    home: Path


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    if uri := os.environ.get("C360_TEST_NEO4J_URI"):
        yield Neo4jServer(
            uri,
            os.environ.get("C360_TEST_NEO4J_USER", "neo4j"),
            os.environ["C360_TEST_NEO4J_PASSWORD"],
            tmp_path_factory.mktemp("c360-home"),
        )
        return
    keep = "C360_TEST_HOME" in os.environ
    home = Path(os.environ["C360_TEST_HOME"]) if keep else tmp_path_factory.mktemp("c360-home")
    local = LocalNeo4j(home)
    new_folder = not local.config_file.exists()
    status = local.start(port=0 if new_folder else None, heap="1g", pagecache="512m")
    try:
        yield Neo4jServer(status.bolt_uri, USER, local.password(), home)
    finally:
        if not keep:
            local.stop()


@pytest.fixture(scope="session")
def settings(neo4j_server: Neo4jServer) -> Iterator[Settings]:
    """Settings for the test server, also exported so CLI commands run by tests use it."""
    env = {
        "NEO4J_URI": neo4j_server.uri,
        "NEO4J_USER": neo4j_server.user,
        "NEO4J_PASSWORD": neo4j_server.password,
        "NEO4J_DATABASE": "neo4j",
        "C360_HOME": str(neo4j_server.home),
        # NEO4J_URI is set, so the API wants a JWT secret from the environment
        "C360_JWT_SECRET": secrets.token_urlsafe(48),
        "C360_WEBHOOK_SECRET": secrets.token_urlsafe(32),  # likewise for webhook signatures
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield Settings()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
async def session_graph(settings: Settings) -> AsyncIterator[Graph]:
    graph = await open_graph(settings)
    await migrate(graph)
    try:
        yield graph
    finally:
        await graph.close()


async def wipe(graph: Graph) -> None:
    """Empty the database but for the lifecycle stages."""
    # CALL { } IN TRANSACTIONS needs an auto-commit transaction (run_text's managed one fails
    # as soon as there is something to delete).
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run(
            "MATCH (n) WHERE NOT n:LifecycleStage CALL (n) { DETACH DELETE n } IN TRANSACTIONS"
        )
        await result.consume()
    await graph.run_text(
        "tests/wipe_history", "MATCH (:LifecycleStage)-[r]-() DELETE r", write=True
    )


@pytest.fixture
async def graph(session_graph: Graph) -> Graph:
    """The test database, emptied of everything but the lifecycle stages."""
    await wipe(session_graph)
    return session_graph


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def wait_until_up(base: str, process: subprocess.Popen[Any], timeout_s: float = 120) -> Any:
    """`base`/healthz's response once a `c360 serve` started as `process` answers it."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return httpx2.get(f"{base}/healthz")
        except httpx2.ConnectError:
            assert process.poll() is None, "c360 serve exited"
            assert time.monotonic() < deadline, "c360 serve did not come up"
            time.sleep(0.2)


C360 = Path(sys.executable).with_name("c360")


@contextlib.contextmanager
def serving(
    *args: str, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[str]:
    """`c360 serve` on a free port of the test Neo4j (the settings fixture exported NEO4J_*),
    polling for events every 0.1 s, with `env` added and its stderr (its log) in `log` when
    given; yields its base URL and stops it."""
    port = free_port()
    env = os.environ | {"C360_EVENT_POLL": "0.1"} | (env or {})
    with contextlib.ExitStack() as files:
        stderr = files.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            [str(C360), "serve", "--port", str(port), "--workers", "1", *args],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, process, timeout_s=30)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)
