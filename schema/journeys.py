"""StageTransition and JourneyStep (Query.stageTransitions, Query.journey)."""

from __future__ import annotations

import strawberry

from graph import journeys
from graph.model import LifecycleStageName
from schema import enums as _enums  # noqa: F401 (registers the enums)


@strawberry.type(
    description="Customers who moved from one lifecycle stage into another (from: null for a "
    "customer's first stage), and the median days they had spent in `from` (fractional; "
    "over the moves; null for first stages)."
)
class StageTransition:
    from_: LifecycleStageName | None = strawberry.field(name="from")
    to: LifecycleStageName
    customers: int = strawberry.field(description="Distinct customers who made the move.")
    median_days_in_from: float | None

    @classmethod
    def of(cls, found: journeys.Transition) -> StageTransition:
        return cls(
            from_=None if found.from_stage is None else LifecycleStageName(found.from_stage),
            to=LifecycleStageName(found.to_stage),
            customers=found.customers,
            median_days_in_from=found.median_days_in_from,
        )


@strawberry.type(
    description="How many customers ever entered a lifecycle stage, and the median days "
    "(fractional) from their first stage's start to their first entry into this one (0 for "
    "the stage they started in; null when no one entered it)."
)
class JourneyStep:
    stage: LifecycleStageName
    customers: int
    median_days: float | None

    @classmethod
    def of(cls, found: journeys.JourneyStep) -> JourneyStep:
        return cls(
            stage=LifecycleStageName(found.stage),
            customers=found.customers,
            median_days=found.median_days,
        )
