"""`c360 token`: mint a bearer token for the API (HS256, the server's secret)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.output import user_errors
from core.settings import Settings
from security.roles import Role
from security.tokens import mint

DEFAULT_TTL_S = 8 * 3600


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command()(token)


@user_errors
def token(
    role: Annotated[
        list[Role],
        typer.Option(
            "--role", help="A role the token carries (repeat for several).", show_default=False
        ),
    ],
    subject: Annotated[
        str, typer.Option(help="Who the token stands for (the audit trail's actor).")
    ] = "operator",
    ttl: Annotated[
        int, typer.Option(min=1, help="Seconds until the token expires.")
    ] = DEFAULT_TTL_S,
) -> None:
    """Print a bearer token, signed with the server's secret (C360_JWT_SECRET, or the one
    generated under C360_HOME for the local Neo4j). Send it as `Authorization: Bearer <token>`."""
    typer.echo(mint(Settings(), roles=role, subject=subject, ttl_s=ttl))
