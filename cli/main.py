"""The `c360` command line (../shared/contract/cli.md)."""

from __future__ import annotations

import functools
import json
from typing import Annotated

import typer

from cli import cypher, data, neo4j_cmd, rules, segment, serve, token
from cli.output import console, fail, run, user_errors
from core.errors import NotFound
from core.settings import Settings
from graph import audit, erasure
from graph.db import Graph, graph_session
from graph.migrate import migrate as run_migrate

app = typer.Typer(
    name="c360",
    help="c360: a customer-360 knowledge graph on Neo4j, served over GraphQL.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(neo4j_cmd.app, name="neo4j")
app.add_typer(segment.app, name="segment")
app.add_typer(rules.app, name="rules")
data.register(app)
serve.register(app)
cypher.register(app)
token.register(app)


@app.command()
@user_errors
def migrate() -> None:
    """Create constraints, indexes and the seven lifecycle stages (safe to run again)."""

    async def go() -> None:
        async with graph_session(Settings()) as graph:
            report = await run_migrate(graph)
        console.print(
            f"Schema up to date: {report.statements} constraints and indexes, "
            f"{report.stages} lifecycle stages."
        )

    run(go())


@app.command()
@user_errors
def erase(
    ids: Annotated[list[str], typer.Argument(help="Customer ids.", show_default=False)],
) -> None:
    """Erase customers (the right to erasure, PIPL art. 47, GDPR art. 17): each one, its
    interactions, tag assignments, tasks and history deleted, its personal data removed from
    the audit trail, one transaction each; an audit entry records it (actor `cli`). An
    unknown id is reported, and the exit status is then 1."""

    async def go() -> list[str]:
        missing = []
        async with graph_session(Settings()) as graph:
            for customer_id in ids:
                try:
                    await graph.atomically(functools.partial(erase_and_record, graph, customer_id))
                except NotFound:
                    missing.append(customer_id)
                else:
                    console.print(f"Erased {customer_id}.", highlight=False)
        return missing

    missing = run(go())
    if missing:
        raise fail(f"no customer {', '.join(missing)} (unknown, or erased before)")


async def erase_and_record(graph: Graph, customer_id: str) -> None:
    await erasure.erase(graph, customer_id)
    arguments = json.dumps({"id": customer_id}, separators=(",", ":"))
    await audit.record(graph, audit.Entry(actor="cli", action="eraseCustomer", arguments=arguments))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
