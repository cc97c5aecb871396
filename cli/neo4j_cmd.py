"""`c360 neo4j start|stop|status`: the local Neo4j under C360_HOME."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.output import console, user_errors
from core.settings import Settings
from graph.local.instance import LocalNeo4j, Status
from graph.local.launcher import ensure_launcher_built, find_java, neo4j_version

app = typer.Typer(help="The local Neo4j server kept under C360_HOME.", no_args_is_help=True)


def _local() -> LocalNeo4j:
    return LocalNeo4j(Settings().c360_home)


def _describe(status: Status) -> None:
    state = "[green]running[/]" if status.running else "[yellow]stopped[/]"
    console.print(f"Neo4j {state}" + (f" (pid {status.pid})" if status.pid else ""))
    console.print(f"  home     {status.home}")
    console.print(f"  bolt     {status.bolt_uri}")
    console.print(f"  browser  {status.browser_url}")
    console.print(f"  password {status.home / 'credentials'} (user neo4j)")


@app.command()
@user_errors
def start(
    port: Annotated[
        int | None, typer.Option(help="Bolt port; 0 picks a free one. Default: the recorded one.")
    ] = None,
    http_port: Annotated[
        int | None, typer.Option(help="HTTP port (Neo4j Browser); 0 picks a free one.")
    ] = None,
    heap: Annotated[
        str | None, typer.Option(help="JVM heap, e.g. 2g (kept for later starts).")
    ] = None,
    pagecache: Annotated[str | None, typer.Option(help="Page cache, e.g. 2g (kept).")] = None,
) -> None:
    """Start the local Neo4j and wait until Bolt answers."""
    local = _local()
    if local.pid() is not None:
        console.print("Neo4j is already running.")
    else:
        with console.status("Starting Neo4j..."):
            local.start(port=port, http_port=http_port, heap=heap, pagecache=pagecache)
    _describe(local.status())


@app.command()
@user_errors
def stop() -> None:
    """Stop the local Neo4j gracefully."""
    local = _local()
    with console.status("Stopping Neo4j..."):
        stopped = local.stop()
    console.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@app.command()
@user_errors
def build() -> None:
    """Build the launcher (Maven fetches Neo4j's jars from Maven Central); start does it too."""
    java = find_java()
    with console.status(f"Building the Neo4j {neo4j_version()} launcher with {java}..."):
        classpath = ensure_launcher_built(java)
    console.print(f"Neo4j {neo4j_version()} launcher ready: {classpath}")


@app.command()
@user_errors
def status() -> None:
    """Report whether the local Neo4j runs, and where."""
    _describe(_local().status())
