"""The wheel is the whole application: built from this checkout, installed into a fresh venv
outside it, it serves GraphiQL with its assets, the customer map and the API on the test Neo4j.

Everything runs from a temporary folder with the checkout nowhere on the path, so any file
found through the source tree instead of the installed package fails here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from core.settings import Settings
from graph.db import Graph
from graph.local.launcher import build_dir
from tests.conftest import free_port, wait_until_up
from tests.tokens import auth_header

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def uv() -> str:
    found = shutil.which("uv") or shutil.which("uv", path=str(Path.home() / ".local" / "bin"))
    assert found, "uv is needed to build the wheel (scripts/bootstrap installs it)"
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `uv build` makes of this checkout."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([uv(), "build", "--wheel", "--out-dir", str(dist), str(ROOT)], check=True,
                   capture_output=True)  # fmt: skip
    [built] = dist.glob("c360-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin/ folder of a venv outside the checkout holding the wheel and its dependencies."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([uv(), "venv", "--python", sys.executable, str(venv)], check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run(
        [uv(), "pip", "install", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
        capture_output=True,
    )
    yield venv / "bin"


def run_installed(bin_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run a command of the venv from outside the checkout, with nothing of it on the path."""
    environment = {key: value for key, value in (env or os.environ).items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        cwd=bin_dir.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_wheel_carries_the_served_npm_files_not_node_modules(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    vendored = sorted(name.removeprefix("web/vendor/") for name in names if "web/vendor/" in name)
    served = re.findall(r'"([^"]+\.(?:js|css))"', (ROOT / "web" / "package.json").read_text())
    assert vendored == sorted(served)
    assert not [name for name in names if "node_modules" in name or name.endswith(".pyc")]
    for data in ("cypher/customers/by_ids.cypher", "launcher/pom.xml", "web/map/index.html"):
        assert data in names


def test_installed_code_and_data_come_from_the_venv(installed: Path) -> None:
    out = run_installed(
        installed,
        "python",
        "-c",
        "import graph, server, web, cypher, launcher; "
        "print(graph.__file__, server.__file__, web.__file__, cypher.__file__, launcher.__file__)",
    )
    for path in out.split():
        assert Path(path).is_relative_to(installed.parent), path
    assert "Usage: c360" in run_installed(installed, "c360", "--help")


def test_installed_launcher_is_the_one_the_checkout_built(installed: Path) -> None:
    """The Maven project comes from the wheel's package data; the same project has the same
    build folder, so the installed c360 reuses the build (no second 165 MB of jars)."""
    out = run_installed(installed, "c360", "neo4j", "build")
    assert str(build_dir()) in out.replace("\n", "")


def test_installed_serve_demo_serves_graphiql_the_map_and_the_api(
    installed: Path, graph: Graph, settings: Settings
) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    process = subprocess.Popen(
        [str(installed / "c360"), "serve", "--demo", "--demo-customers", "30", "--port", str(port)],
        cwd=installed.parent,
        env=env,  # the settings fixture exported NEO4J_URI etc.
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        page = httpx2.get(f"{base}/graphql", headers={"Accept": "text/html"}).text
        assets = [url for url in re.findall(r'(?:src|href)="([^"]+)"', page) if url[0] == "/"]
        assert len(assets) == 7
        for url in assets:
            assert url.startswith("/vendor/"), url
            assert httpx2.get(base + url).status_code == 200, url
        map_page = httpx2.get(f"{base}/map/")
        assert map_page.status_code == 200 and "cytoscape" in map_page.text
        assert httpx2.get(f"{base}/vendor/cytoscape/dist/cytoscape.min.js").status_code == 200
        answer = httpx2.post(
            f"{base}/graphql",
            json={"query": "{ customers(first: 1) { totalCount } }"},
            headers=auth_header(),
        )
        assert answer.json() == {"data": {"customers": {"totalCount": 30}}}
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "Traceback" not in output, output
