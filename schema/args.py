"""Optional arguments without a default in the SDL (`after: String`, not `= null`)."""

from __future__ import annotations

from typing import Any, TypeVar

import strawberry

T = TypeVar("T")


def given(arg: T | None) -> T | None:
    """The argument's value; left out (UNSET) counts as null."""
    return None if arg is strawberry.UNSET else arg


def given_only(values: dict[str, Any]) -> dict[str, Any]:
    """The entries whose value was given (not left out): an update's fields, where an explicit
    null means "clear it" and a left-out one means "leave it"."""
    return {key: value for key, value in values.items() if value is not strawberry.UNSET}
