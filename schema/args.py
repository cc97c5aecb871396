"""Optional arguments without a default in the SDL (`after: String`, not `= null`)."""

from __future__ import annotations

from typing import TypeVar

import strawberry

T = TypeVar("T")


def given(arg: T | None) -> T | None:
    """The argument's value; left out (UNSET) counts as null."""
    return None if arg is strawberry.UNSET else arg
