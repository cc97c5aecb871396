"""`c360 serve`: the GraphQL server (uvicorn running `server.create_app`)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn

from cli.output import console, run, user_errors
from graph.db import graph_session
from graph.settings import Settings


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command()(serve)


def graphiql_url(host: str, port: int) -> str:
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{shown}]:{port}/graphql" if ":" in shown else f"http://{shown}:{port}/graphql"


def configure_logging() -> None:
    """c360's own log lines (INFO and up; masked errors with their traceback) beside uvicorn's.
    The driver's notifications about our fixed queries (e.g. a relationship type that does
    not exist yet in an empty database) are noise here, so only its errors are shown."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)-9s %(name)s: %(message)s")
    logging.getLogger("c360").setLevel(logging.INFO)
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


async def prepare(settings: Settings) -> None:
    """Before serving: reach Neo4j (starting the local one when needed), so a wrong address
    or password ends here with one line instead of a failed server start."""
    async with graph_session(settings):
        pass  # (a `--demo` flag would migrate and seed here)


@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """The GraphQL server: GraphiQL at /graphql, health at /healthz and /readyz."""
    from server import create_app  # here, so other commands need not load the schema

    configure_logging()
    settings = Settings()
    run(prepare(settings))
    console.print(f"GraphiQL: {graphiql_url(host, port)}", highlight=False, soft_wrap=True)
    uvicorn.run(create_app, factory=True, host=host, port=port, log_level="info")
