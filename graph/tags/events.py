"""Tag change events, the outbox every tag change writes, and the dispatcher of the change log.

Every write that adds or removes a tag assignment (assignTags, removeTags, mergeTags, a tag
rule's run, an import) creates a `(:TagEvent:PendingTagEvent)` in the *same transaction* as
the change: the change and its record commit together or not at all. Other changes write a
`(:Change:PendingChange)` the same way (graph/changes.py); the dispatcher numbers both.

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

DISPATCH_BATCH = 5000
MAX_ROUNDS = 1000  # a dispatch under endless writes stops after this many batches


async def dispatch(graph: Graph, batch: int = DISPATCH_BATCH) -> int:
    """Dispatch every pending event, those the linkage rules fire while at it included;
    returns how many tag events were dispatched."""
    total = 0
    for _ in range(MAX_ROUNDS):
        row = await graph.write_one("tags/events/dispatch", batch=batch, now=datetime.now(UTC))
        if row is None:
            return total
        total += int(row["tagEvents"])
        if int(row["dispatched"]) < batch and not row["more"]:
            return total
    return total  # writers keep adding: the next dispatch (the feed's, a writer's) goes on


async def last_seq(graph: Graph) -> int:
    """The number of the newest dispatched event (0 before the first)."""
    row = await graph.read_one("tags/events/last")
    return 0 if row is None else int(row["last"])
