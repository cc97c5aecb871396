"""`c360 import` and `c360 seed`: loading data (placeholder until the import lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
