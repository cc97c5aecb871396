"""Consoles, the error boundary and the owner-only files shared by every command."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TextIO, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from core.errors import C360Error

# `--as-of` of every command that evaluates definitions at a moment (parse_datetime checks it).
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate at this ISO 8601 time (default: now), e.g. 2026-11-01T00:00:00Z.",
        show_default=False,
    ),
]

console = Console()
err_console = Console(stderr=True)


def create_owner_only(path: Path, newline: str | None = None) -> TextIO:
    """`path` created afresh for writing, readable by its owner alone (0600). Whatever held
    the name goes first (a planted symlink is removed, never followed); O_EXCL then refuses
    any name that exists again, links included."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline)


P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, hint: str | None = None) -> typer.Exit:
    """Print a one-line reason (and a hint) to stderr; return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    if hint:
        err_console.print(f"[dim]hint: {hint}[/]")
    return typer.Exit(code=1)


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures (C360Error) into one line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except C360Error as e:
            raise fail(e.message) from None
        except KeyboardInterrupt:
            raise fail("interrupted") from None

    return wrapper


def run(coro: Coroutine[Any, Any, R]) -> R:
    return asyncio.run(coro)
