"""`c360 serve`: the GraphQL server (uvicorn running `server.create_app`)."""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import logging
import logging.config
import os
import tempfile
import threading
from typing import Annotated, Any

import typer
import uvicorn
from rich.console import Console
from uvicorn.config import LOGGING_CONFIG

from cli.output import console, create_owner_only, run, user_errors
from core.observe import MULTIPROCESS_DIR, uses_json
from core.settings import Settings
from graph.db import graph_session
from graph.ingest.seed import has_customers, seed_graph
from graph.migrate import migrate
from security.roles import Role
from security.tokens import mint

DEMO_CUSTOMERS = 2000
ADMIN_TTL_S = 12 * 3600


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command()(serve)


def graphiql_url(host: str, port: int) -> str:
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{shown}]:{port}/graphql" if ":" in shown else f"http://{shown}:{port}/graphql"


def log_config(as_json: bool = False) -> dict[str, Any]:
    """uvicorn's logging, plus c360's own lines (INFO and up: one a request, masked errors
    with their traceback). The driver's notifications about our fixed queries (e.g. a
    relationship type that does not exist yet in an empty database) are noise here: only its
    errors are shown. `as_json`: every line, uvicorn's included, one JSON object.
    uvicorn applies it in every worker process (a `logging` call in this one would not)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["c360"] = {"format": "%(levelname)-9s %(name)s: %(message)s"}
    if as_json:
        for name in config["formatters"]:
            config["formatters"][name] = {"()": "core.observe.json_formatter"}
    config["handlers"]["c360"] = {
        "formatter": "c360",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["c360"] = {"handlers": ["c360"], "level": "INFO", "propagate": False}
    config["loggers"]["neo4j"] = {"handlers": ["c360"], "level": "ERROR", "propagate": False}
    return config


def configure_logging(as_json: bool = False) -> None:
    """The same for this process, before uvicorn starts (preparing, seeding the demo)."""
    logging.config.dictConfig(log_config(as_json))


def graphiql_headers(settings: Settings) -> str | None:
    """On the local default, GraphiQL's Headers JSON with an admin token (so the README's
    first command ends in a playground that works); elsewhere tokens come from `c360 token`
    or the identity provider."""
    if not (settings.uses_local_neo4j and settings.jwt_algorithm == "HS256"):
        return None
    admin = mint(settings, roles=[Role.ADMIN], subject="local-admin", ttl_s=ADMIN_TTL_S)
    return json.dumps({"Authorization": f"Bearer {admin}"})


GRAPHIQL_TOKEN_FILE = "graphiql-token"


def offer_graphiql_headers(settings: Settings, out: Console, url: str | None = None) -> None:
    """On the local default, the admin header for GraphiQL: kept in C360_HOME/graphiql-token
    (owner-only), and printed only to a terminal, with a `url#token=` link that opens GraphiQL
    signed in (the page takes the token before it introspects): where the output is a pipe or
    a file it ends in logs, so only the file's path is."""
    if (header := graphiql_headers(settings)) is None:
        return
    path = settings.c360_home / GRAPHIQL_TOKEN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with create_owner_only(path) as file:
        file.write(header + "\n")
    shown = header if out.is_terminal else f"in {path} (the output is not a terminal)"
    out.print(
        f"GraphiQL headers (admin, valid {ADMIN_TTL_S // 3600} h): {shown}",
        highlight=False,
        soft_wrap=True,
    )
    if url is not None and out.is_terminal:
        token = json.loads(header)["Authorization"].removeprefix("Bearer ")
        out.print(f"GraphiQL signed in: {url}#token={token}", highlight=False, soft_wrap=True)


async def prepare(settings: Settings, demo_customers: int | None = None) -> None:
    """Before serving: reach Neo4j (starting the local one when needed), so a wrong address
    or password ends here with one line instead of a failed server start. With
    `demo_customers`, also migrate and fill an empty database with the demo graph."""
    async with graph_session(settings) as graph:
        if demo_customers is None:
            return
        await migrate(graph)
        if await has_customers(graph):
            console.print("The database already holds customers: serving them as they are.")
            return
        with console.status(f"Seeding a demo graph of {demo_customers:,} customers..."):
            report = await seed_graph(graph, demo_customers)
        console.print(
            f"Demo graph ready: {report.lines:,} lines in {report.seconds:.1f} s.",
            highlight=False,
        )


@user_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option(help="Migrate, and seed the demo graph if the database is empty.")
    ] = False,
    demo_customers: Annotated[
        int, typer.Option(min=1, help="Customers in the demo graph (with --demo).")
    ] = DEMO_CUSTOMERS,
    rules_every: Annotated[
        float | None,
        typer.Option(min=1, help="Run the tag rules every this many seconds.", show_default=False),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Server processes, each with its own Neo4j driver and event feed. "
            "Default: one per CPU.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """The GraphQL server: GraphiQL at /graphql, health at /healthz and /readyz."""
    settings = Settings()
    as_json = uses_json(settings.log_format)
    configure_logging(as_json)
    if rules_every is not None:
        settings = settings.model_copy(update={"rules_every_s": rules_every})
    run(prepare(settings, demo_customers if demo else None))
    console.print(f"GraphiQL: {graphiql_url(host, port)}", highlight=False, soft_wrap=True)
    offer_graphiql_headers(settings, console, graphiql_url(host, port))
    from server import NoDelayHttpTools, create_app  # here: other commands need not load them

    processes = workers or os.cpu_count() or 1
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "info",
                               "log_config": log_config(as_json), "http": NoDelayHttpTools,
                               "loop": "uvloop",
                               # a WebSocket message over the body limit closes its socket
                               "ws_max_size": settings.max_body_bytes}  # fmt: skip
    if processes == 1:
        uvicorn.run(functools.partial(create_app, settings), factory=True, **options)
        return
    # Each worker builds its app from the environment; the tag rules run here, once, not in
    # every worker (runs are idempotent, but N of them at once would only contend).
    os.environ.pop("C360_RULES_EVERY", None)
    if settings.rules_every_s:
        rules_in_background(settings, settings.rules_every_s)
    # The workers keep their metrics in files there, so a scrape of any of them sums all.
    with tempfile.TemporaryDirectory(prefix="c360-metrics-") as metrics_dir:
        os.environ.setdefault(MULTIPROCESS_DIR, metrics_dir)
        uvicorn.run("server:create_app", factory=True, workers=processes, **options)


def rules_in_background(settings: Settings, seconds: float) -> threading.Thread:
    """The tag rules every `seconds`, on an event loop of their own in a daemon thread of the
    supervising process (which serves no requests itself)."""
    from server import run_rules_every

    async def loop() -> None:
        async with graph_session(settings) as graph:
            await run_rules_every(graph, seconds)

    thread = threading.Thread(target=asyncio.run, args=(loop(),), name="tag rules", daemon=True)
    thread.start()
    return thread
