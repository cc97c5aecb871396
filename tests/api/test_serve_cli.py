"""`c360 serve` for real: a subprocess serving GraphQL on a free port."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import httpx2

from core.settings import Settings
from tests.conftest import C360, free_port, wait_until_up
from tests.tokens import auth_header


def test_serve_prints_graphiql_and_answers(shop: Any, settings: Settings) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(C360), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),  # the settings fixture exported NEO4J_URI etc.
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.strip() == f"GraphiQL: http://127.0.0.1:{port}/graphql"
        health = wait_until_up(f"http://127.0.0.1:{port}", process)
        assert health.json() == {"status": "ok"}
        assert alice(port) == {"data": {"customer": {"name": "Alice"}}}
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_without_neo4j_fails_in_one_line() -> None:
    env = os.environ | {"NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "NEO4J_PASSWORD": "x"}
    result = subprocess.run(
        [str(C360), "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "cannot connect to Neo4j" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "GraphiQL" not in result.stdout


def test_serve_workers_are_processes_that_all_answer(shop: Any, settings: Settings) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(C360), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        # under the supervisor: two spawned workers (and multiprocessing's resource tracker)
        workers = [pid for pid in children if "spawn_main" in cmdline(pid)]
        assert len(workers) == 2, [cmdline(pid) for pid in children]
        for _ in range(10):
            assert alice(port) == {"data": {"customer": {"name": "Alice"}}}
    finally:
        process.terminate()
        process.wait(timeout=30)


def cmdline(pid: str) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def alice(port: int) -> Any:
    """The shop's customer c1 asked of the server on `port`."""
    response = httpx2.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": '{ customer(id: "c1") { name } }'},
        headers=auth_header(),
    )
    return response.json()
