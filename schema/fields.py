"""`strawberry.field`/`mutation` with arguments, typed for mypy; every mutation audited.

Called with keyword arguments only, strawberry's decorators are typed as returning `Any`,
which strict mypy reports as an untyped decorator on every resolver method. These wrappers
keep the method's own type for mypy and return strawberry's field at runtime. `mutation`
also attaches `Audited`, so no mutation can skip the audit trail (schema/security.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

from schema.security import Audited

F = TypeVar("F", bound=Callable[..., Any])


def field(*, description: str) -> Callable[[F], F]:
    decorator: Callable[[F], F] = strawberry.field(description=description)
    return decorator


def mutation(*, description: str) -> Callable[[F], F]:
    decorator: Callable[[F], F] = strawberry.mutation(
        description=description, extensions=[Audited()]
    )
    return decorator


def subscription(*, description: str) -> Callable[[F], F]:
    decorator: Callable[[F], F] = strawberry.subscription(description=description)
    return decorator
