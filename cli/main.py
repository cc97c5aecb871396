"""The `c360` command line (../shared/contract/cli.md)."""

from __future__ import annotations

import typer

from cli import changes, cypher, data, neo4j_cmd, quality, rules, segment, serve, token
from cli.output import console, run, user_errors
from core.settings import Settings
from graph.db import graph_session
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
quality.register(app)
changes.register(app)


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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
