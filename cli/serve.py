"""`c360 serve`: the GraphQL server (placeholder until the API lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
