"""The change log: every change as a numbered event, and the feed that tails it.

Every write that changes a customer's data creates, in the same transaction, a pending event:
`(:TagEvent:PendingTagEvent)` for a tag gained or lost (graph/tags/events.py), and
`(:Change:PendingChange {kind, at, customerId, actor, ...})` for the other kinds
(CUSTOMER_UPSERTED, CUSTOMER_MERGED, CUSTOMER_ERASED, STAGE_CHANGED, TASK_CHANGED,
INTERACTION_RECORDED, TICKET_CHANGED). The dispatcher (`tags.events.dispatch`) numbers both
in one sequence (`seq`) and labels them all `:Change` (a tag event's kind is TAG_ADDED or
TAG_REMOVED): one log in Neo4j, which every replica tails.

One feed per server process (started by `server.create_app`) dispatches pending events,
whichever process wrote them, and hands every newly numbered event to each subscriber's
queue, in `seq` order. A subscriber sees the events numbered after it subscribed; one that
reconnects reads what it missed from the log first (`after`). The log is in Neo4j, so an
import run from the command line reaches the subscribers of a running server.

Retention (`prune`): numbered events older than C360_CHANGE_RETENTION_DAYS are deleted, in
transactions of `PRUNE_BATCH`, by every server's feed every `PRUNE_EVERY_S` (pruners take
turns on a lock node, so replicas pruning at once do no harm) and by `c360 prune-changes`.
Tag events are kept whatever their age: they are the customers' tag history (the timeline,
`tags(asOf:)`). A client resuming from before the newest deleted event gets `CHANGES_PRUNED`
(`ChangesPruned`) instead of a catch-up with holes in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.errors import C360Error
from graph.db import Graph
from graph.rows import ChangeRow
from graph.rules import webhooks
from graph.tags import events as tag_events

log = logging.getLogger("c360.events")

QUEUE_SIZE = 10_000  # a subscriber this far behind is dropped rather than slow everyone down
PRUNE_BATCH = 1000  # events deleted per transaction: short transactions, short locks
PRUNE_EVERY_S = 300.0


class SubscriberTooSlow(C360Error):
    code = "SUBSCRIBER_TOO_SLOW"


class ChangesPruned(C360Error):
    """A resume from a seq older than the newest event retention deleted: the client would
    miss events, so it gets this instead and reads the current state again."""

    code = "CHANGES_PRUNED"

    def __init__(self, last_seq: int, pruned_through: int) -> None:
        super().__init__(
            f"lastSeq {last_seq}: events up to seq {pruned_through} are past the change log's "
            "retention and deleted; read the current state again, then subscribe without "
            "lastSeq"
        )
        self.pruned_through = pruned_through

    @property
    def extensions(self) -> dict[str, str]:
        return super().extensions | {"prunedThrough": str(self.pruned_through)}


class ChangeFeed:
    def __init__(
        self,
        graph: Graph,
        poll_s: float = 0.5,
        batch: int = 1000,
        on_subscribers: Callable[[int], None] | None = None,
        retention_days: int = 0,
        prune_every_s: float = PRUNE_EVERY_S,
    ) -> None:
        self.graph = graph
        self.poll_s = poll_s
        self.batch = batch
        self.on_subscribers = on_subscribers  # told the number of subscribers when it changes
        self.retention_days = retention_days  # 0: keep every event
        self.prune_every_s = prune_every_s
        self._queues: set[asyncio.Queue[ChangeRow | None]] = set()
        self._last: int | None = None

    async def run(self) -> None:
        """Poll forever (until cancelled), and prune old events when retention is on; Neo4j
        being away only delays delivery."""
        async with asyncio.TaskGroup() as tasks:
            if self.retention_days:
                tasks.create_task(self._prune_forever(), name="change retention")
            await self._poll_forever()

    async def _prune_forever(self) -> None:
        while True:
            try:
                report = await prune(self.graph, retention_cutoff(self.retention_days))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("change retention failed, retrying later", exc_info=True)
            else:
                if report.deleted:
                    log.info(
                        "change retention: %d events older than %d days deleted",
                        report.deleted,
                        self.retention_days,
                    )
            await asyncio.sleep(self.prune_every_s)

    async def _poll_forever(self) -> None:
        while True:
            try:
                caught_up = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("change feed: Neo4j unavailable, retrying", exc_info=True)
                caught_up = True
            if caught_up:
                await asyncio.sleep(self.poll_s)

    async def step(self) -> bool:
        """Dispatch, then deliver one batch; True when there was no more to deliver."""
        if self._last is None:
            self._last = await tag_events.last_seq(self.graph)
        await tag_events.dispatch(self.graph)
        events = await after(self.graph, self._last, self.batch)
        for event in events:
            for queue in list(self._queues):
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    self._queues.discard(queue)
                    self._counted()
                    queue.get_nowait()  # room for the end marker
                    queue.put_nowait(None)
            self._last = int(event["seq"])
        return len(events) < self.batch

    def _counted(self) -> None:
        if self.on_subscribers is not None:
            self.on_subscribers(len(self._queues))

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[AsyncIterator[ChangeRow]]:
        """Events numbered after now, as they are dispatched."""
        queue: asyncio.Queue[ChangeRow | None] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        self._counted()

        async def events() -> AsyncIterator[ChangeRow]:
            while (event := await queue.get()) is not None:
                yield event
            raise SubscriberTooSlow(f"more than {QUEUE_SIZE} events behind; subscribe again")

        try:
            yield events()
        finally:
            self._queues.discard(queue)
            self._counted()


async def after(graph: Graph, seq: int, limit: int = 1000) -> list[ChangeRow]:
    """Numbered events after `seq`, in order, at most `limit`."""
    return [row["event"] for row in await graph.read("changes/after", after=seq, limit=limit)]


async def pruned_through(graph: Graph) -> int:
    """The seq of the newest event retention deleted (0 before any)."""
    row = await graph.read_one("changes/pruned_through")
    return 0 if row is None else int(row["prunedThrough"])


@dataclass(frozen=True)
class PruneReport:
    scanned: int  # numbered events looked at (the tag events kept included)
    deleted: int
    pruned_through: int  # the seq of the newest event deleted so far, by any run
    deliveries: int = 0  # webhook deliveries done before the cutoff, deleted with the events


def retention_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=days)


async def prune(graph: Graph, older_than: datetime, batch: int = PRUNE_BATCH) -> PruneReport:
    """Delete the numbered events written before `older_than`, tag events excepted, in
    transactions of at most `batch` events, oldest first (cypher/changes/prune.cypher); then
    the webhook deliveries done before it."""
    scanned = deleted = through = 0
    while True:
        row = await graph.write_one(
            "changes/prune", cutoff=older_than, batch=batch, now=datetime.now(UTC)
        )
        if row is None:  # the statement always returns its one row
            raise RuntimeError("changes/prune returned no row")
        scanned += int(row["scanned"])
        deleted += int(row["deleted"])
        through = int(row["prunedThrough"])
        if not row["more"]:
            done = await webhooks.prune_done(graph, older_than, batch)
            return PruneReport(scanned, deleted, through, done)
