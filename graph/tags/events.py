"""Tag change events: the outbox every tag change writes, its dispatcher, and its readers.

Every write that adds or removes a tag assignment (assignTags, removeTags, mergeTags, a tag
rule's run, an import) creates a `(:TagEvent:PendingTagEvent)` in the *same transaction* as
the change: the change and its record commit together or not at all.

`dispatch` then takes pending events oldest first, in transactions of `batch` events. In each
it numbers the events (`seq`, the order subscribers read them in), fires the linkage rules of
every gain (a `Task`, or an owner round-robin; see `cypher/tags/events/dispatch.cypher`) and drops
the pending label. Numbering, firing and marking commit together, and dispatchers in several
processes take turns on one lock node, so a crash can neither lose nor repeat a firing: a
pending event is simply dispatched by the next `dispatch`, in whichever process runs it.

Whoever writes tag changes dispatches right after (the API after each mutation, the CLI after
an import or a rule run), and `c360 serve` also dispatches in the background, so events written
by another process reach its subscribers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from graph.db import Graph
from graph.rows import TagEventRow

DISPATCH_BATCH = 5000


async def dispatch(graph: Graph, batch: int = DISPATCH_BATCH) -> int:
    """Dispatch every pending event; returns how many were dispatched."""
    total = 0
    while True:
        row = await graph.write_one("tags/events/dispatch", batch=batch, now=datetime.now(UTC))
        done = 0 if row is None else int(row["dispatched"])
        total += done
        if done < batch:
            return total


async def last_seq(graph: Graph) -> int:
    """The number of the newest dispatched event (0 before the first)."""
    row = await graph.read_one("tags/events/last")
    return 0 if row is None else int(row["last"])


async def events_after(graph: Graph, after: int, limit: int = 1000) -> list[TagEventRow]:
    """Dispatched events numbered after `after`, in order, at most `limit`."""
    return [row["event"] for row in await graph.read("tags/events/after", after=after, limit=limit)]
