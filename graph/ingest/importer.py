"""Applying JSON Lines imports (../shared/contract/import-format.md) in batched transactions.

Two entry points share one engine, `Importer`:

- `import_records(graph, records)` applies `(source, line, object)` records from any iterable
  in a single pass (the demo generator uses it). A record may refer to anything that came
  earlier in the stream or is already in the graph.
- `import_files(graph, paths)` streams files, reading them up to three times so that a line
  may also refer to something defined *later* in the import: pass 1 applies the nodes
  (customer, product, tag), pass 2 the relationships to them (tagAssignment, interaction),
  pass 3 tag parents and stage moves. Passes with nothing to do are skipped.

Memory stays flat whatever the input size: lines are read one at a time, valid rows wait in
per-operation batches of `batch_size`, and at most `QUEUE_DEPTH` full batches wait for the
writer. The writer runs one `UNWIND $rows` transaction per batch (cypher/ingest/*.cypher)
while the caller prepares the next batches, so Python and Neo4j work at the same time.
Batch queries return the rows they refused (a reference to nothing, a tag cycle), which are
reported with their line numbers; a batch that Neo4j rejects as a whole (a constraint) is
split until the offending line is found, so one bad line never costs the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, Protocol

import orjson
from neo4j.exceptions import ClientError, Neo4jError

from core.errors import BadUserInput, C360Error, Conflict
from graph.db import Graph
from graph.ingest.lines import (
    KIND_OF_OP,
    KINDS,
    PHASE_OF_OP,
    PHASES_OF_KIND,
    Row,
    kind_of,
    validate,
)
from graph.tags import events as tag_events

DEFAULT_BATCH_SIZE: Final = 5000
DEFAULT_WRITERS: Final = 2  # transactions at once
QUEUE_DEPTH: Final = 1  # full batches waiting for a writer (memory: ~(writers + 2) batches)
MAX_REASONS: Final = 1000  # rejection reasons kept in memory; the rest are only counted
ALL_PHASES: Final = frozenset({1, 2, 3})
_YIELD_EVERY: Final = 256  # records between two chances for the writer to run
_BOM: Final = b"\xef\xbb\xbf"

_QUERY: Final = {
    "customer": "ingest/customers",
    "product": "ingest/products",
    "tag": "ingest/tags",
    "tagAssignment": "ingest/tag_assignments",
    "interaction": "ingest/interactions",
    "tagParent": "ingest/tag_parents",
    "stage": "ingest/stages",
}


@dataclass(frozen=True)
class Rejection:
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did: lines read, lines applied per kind, lines refused and why."""

    lines: int = 0
    applied: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    skipped_stages: int = 0  # stage lines not newer than the customer's current stage
    # new customers sharing an email, a phone, or a name and birthDate with another one
    # (duplicateCustomers finds them; nothing is merged on its own)
    matched_existing: int = 0
    # tags that tag assignments created, without a description (to describe: updateTag)
    new_tags: set[str] = field(default_factory=set)
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)  # the first MAX_REASONS
    events: int = 0  # tag events dispatched (linkage rules fired) after the writes
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    @property
    def applied_total(self) -> int:
        return sum(self.applied.values())

    @property
    def lines_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds > 0 else 0.0

    def reject(self, source: str, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REASONS:
            self.rejections.append(Rejection(source, line, reason))


class Progress(Protocol):
    """Told how far a file import is, in bytes read (over all passes)."""

    def __call__(self, done: int, total: int, description: str) -> None: ...


# The key of a row for ordering between batches of the same operation: two batches that
# share a key are written one after the other, in stream order, so the later line wins.
# Operations without a key function are always written one batch at a time.
_KEY: Final[dict[str, Callable[[Row], object]]] = {
    "customer": itemgetter("id"),
    "product": itemgetter("id"),
    "tag": itemgetter("name"),
    "interaction": itemgetter("id"),
    "tagAssignment": itemgetter("customerId", "tag"),
    "stage": itemgetter("customerId"),
}
# Operations whose query CREATEs new nodes, so one batch must not hold a key twice.
_UNIQUE_IN_BATCH: Final = frozenset({"interaction"})


@dataclass(eq=False)
class _Batch:
    op: str
    rows: list[Row] = field(default_factory=list)
    lines: list[tuple[str, int]] = field(default_factory=list)
    keys: set[object] = field(default_factory=set)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def must_follow(self, earlier: _Batch) -> bool:
        """Whether this batch may only start once `earlier` (queued before it) is written."""
        if PHASE_OF_OP[earlier.op] < PHASE_OF_OP[self.op]:
            return True  # it may refer to what the earlier phase writes
        if earlier.op != self.op:
            return False
        return self.op not in _KEY or not self.keys.isdisjoint(earlier.keys)


class Importer:
    """Validates records, batches them per operation and writes batches in phase order.

    Use as an async context manager: `feed` each record (and `await flush_full()` when it
    returns True), then `await drain()`. A batch is only written once every batch of an
    earlier phase queued before it is committed, so a row only needs its references to come
    earlier in the stream. `writers` transactions run at once (Neo4j leaves a core idle while
    a single transaction commits or waits for its rows): batches that do not depend on each
    other overlap, and those that do (see `_Batch.must_follow`) wait their turn.
    """

    def __init__(
        self,
        graph: Graph,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        writers: int = DEFAULT_WRITERS,
        now: datetime | None = None,
        report: ImportReport | None = None,
    ) -> None:
        if batch_size < 1 or writers < 1:
            raise ValueError("batch_size and writers must be positive")
        self.graph = graph
        self.batch_size = batch_size
        self.now = now
        self.report = report or ImportReport()
        self.phases_seen: set[int] = set()
        self._writer_count = writers
        self._pending: dict[str, _Batch] = {op: _Batch(op) for op in _QUERY}
        self._ready: list[_Batch] = []  # full batches, detached from _pending
        self._queue: asyncio.Queue[_Batch | None] = asyncio.Queue(maxsize=QUEUE_DEPTH)
        self._writing: list[_Batch] = []  # taken by a writer and not yet written, in order
        self._writers: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Importer:
        self._writers = [
            asyncio.create_task(self._write_batches()) for _ in range(self._writer_count)
        ]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for writer in self._writers:
            writer.cancel()
        for writer in self._writers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer

    # -- producing ------------------------------------------------------------------------

    def feed(
        self,
        source: str,
        line: int,
        obj: object,
        phases: frozenset[int] = ALL_PHASES,
        first_pass: bool = True,
    ) -> bool:
        """Validate one record and queue its operations of `phases`; True if a batch is full.

        `first_pass` counts the line and reports it when invalid; later passes over the same
        lines skip invalid ones silently.
        """
        if first_pass:
            self.report.lines += 1
        try:
            kind = kind_of(obj)
            if not first_pass and not PHASES_OF_KIND[kind] & phases:
                return False
            ops = validate(kind, obj)  # type: ignore[arg-type]  # kind_of checked it is a dict
        except BadUserInput as e:
            if first_pass:
                self.report.reject(source, line, e.message)
            return False
        for op, row in ops:
            phase = PHASE_OF_OP[op]
            self.phases_seen.add(phase)
            if phase not in phases:
                continue
            batch = self._pending[op]
            key_of = _KEY.get(op)
            if key_of is not None:
                key = key_of(row)
                if op in _UNIQUE_IN_BATCH and key in batch.keys:
                    batch = self._detach(op)
                batch.keys.add(key)
            row["i"] = len(batch.rows)
            batch.rows.append(row)
            batch.lines.append((source, line))
            if len(batch.rows) >= self.batch_size:
                self._detach(op)
        return bool(self._ready)

    def _detach(self, op: str) -> _Batch:
        """Move the pending batch of `op` to the ready list; return the new, empty one."""
        self._ready.append(self._pending[op])
        fresh = self._pending[op] = _Batch(op)
        return fresh

    async def flush_full(self) -> None:
        """Hand the full batches to the writers (after pending batches of earlier phases)."""
        ready, self._ready = self._ready, []
        for batch in ready:
            await self._flush_earlier_phases(PHASE_OF_OP[batch.op])
            await self._put(batch)

    async def drain(self) -> None:
        """Write everything pending and wait until the writers are done."""
        await self.flush_full()
        for op in sorted(_QUERY, key=PHASE_OF_OP.__getitem__):
            if self._pending[op].rows:
                self._detach(op)
        await self.flush_full()
        for _ in self._writers:
            await self._put(None)
        await asyncio.gather(*self._writers)

    async def _flush_earlier_phases(self, phase: int) -> None:
        for op, batch in list(self._pending.items()):
            if PHASE_OF_OP[op] < phase and batch.rows:
                self._detach(op)
                await self._put(self._ready.pop())

    async def _put(self, item: _Batch | None) -> None:
        """Queue for the writers; if a writer failed (say Neo4j went away), raise its error."""
        put = asyncio.ensure_future(self._queue.put(item))
        try:
            while not put.done():
                running = [w for w in self._writers if not w.done()]
                if not running:  # every writer took its stop signal, or failed
                    self._raise_writer_error()
                    raise C360Error("the import stopped: no writer is left to take the rows")
                await asyncio.wait({put, *running}, return_when=asyncio.FIRST_COMPLETED)
                self._raise_writer_error()
        finally:
            if not put.done():
                put.cancel()

    def _raise_writer_error(self) -> None:
        for writer in self._writers:
            if writer.done() and not writer.cancelled() and writer.exception() is not None:
                writer.result()  # raises the writer's error

    # -- writing --------------------------------------------------------------------------

    async def _write_batches(self) -> None:
        while (batch := await self._queue.get()) is not None:
            # Batches are taken in queue order, so everything it may depend on is either
            # written or in `_writing` already.
            before = [b for b in self._writing if batch.must_follow(b)]
            self._writing.append(batch)
            try:
                for earlier in before:
                    await earlier.done.wait()
                await self._write(batch)
            finally:
                batch.done.set()
                self._writing.remove(batch)
                # Free the rows now, in place: the driver's result objects keep the query
                # parameters (this very list) in reference cycles until the cyclic GC runs.
                batch.rows.clear()
                batch.lines.clear()
                batch.keys.clear()

    async def _write(self, batch: _Batch) -> None:
        now = self.now or datetime.now(UTC)
        try:
            refused = await self.graph.write(_QUERY[batch.op], rows=batch.rows, now=now)
        except (ClientError, Conflict) as e:
            if len(batch.rows) == 1:
                source, line = batch.lines[0]
                self.report.reject(source, line, f"refused by Neo4j: {e.message}")
                return
            # One line broke the whole transaction: split until it is found.
            half = len(batch.rows) // 2
            for part in (slice(0, half), slice(half, None)):
                piece = _Batch(batch.op, batch.rows[part], batch.lines[part])
                for i, row in enumerate(piece.rows):
                    row["i"] = i
                await self._write(piece)
            return
        except Neo4jError as e:  # transient errors the driver gave up retrying, server errors
            raise C360Error(
                f"Neo4j failed to write a batch of {batch.op} lines: {e.message or e}"
            ) from e
        self._account(batch, refused)

    def _account(self, batch: _Batch, refused: list[dict[str, Any]]) -> None:
        report = self.report
        kind = KIND_OF_OP[batch.op]
        if batch.op == "tagParent":
            for r in refused:  # the tag itself was applied in pass 1: un-count its line
                report.applied["tag"] -= 1
                self._refuse(batch, r["i"], _tag_parent_reason(batch.rows[r["i"]], r["problem"]))
            return
        if batch.op == "customer":  # the rows returned are new customers matching another
            report.matched_existing += len(refused)
            report.applied["customer"] += len(batch.rows)
            return
        if batch.op == "stage":
            skipped = 0
            for r in refused:
                if r["outcome"] == "skipped":
                    skipped += 1
                else:
                    self._refuse(batch, r["i"], _missing_reason(batch.rows[r["i"]], "customerId"))
            report.skipped_stages += skipped
            report.applied["stage"] += len(batch.rows) - len(refused)
            return
        if batch.op == "tagAssignment":
            report.new_tags.update(r["newTag"] for r in refused if r["newTag"] is not None)
            refused = [r for r in refused if r["missing"] is not None]
        for r in refused:
            self._refuse(batch, r["i"], _missing_reason(batch.rows[r["i"]], r.get("missing")))
        report.applied[kind] += len(batch.rows) - len(refused)

    def _refuse(self, batch: _Batch, i: int, reason: str) -> None:
        source, line = batch.lines[i]
        self.report.reject(source, line, reason)


def _missing_reason(row: Row, field: object) -> str:
    if field == "deprecated":
        return f"tag: tag {row['tag']!r} is deprecated and cannot be assigned"
    if field == "productId":
        return f"productId: no product {row['productId']!r} in the import or the graph"
    return f"customerId: no customer {row['customerId']!r} in the import or the graph"


def _tag_parent_reason(row: Row, problem: str) -> str:
    if problem == "cycle":
        return (
            f"parent: {row['parent']!r} is {row['name']!r} itself or below it in the "
            "taxonomy; linking them would make a cycle"
        )
    return f"parent: no tag {row['parent']!r} in the import or the graph"


# -- entry points ---------------------------------------------------------------------------


async def import_records(
    graph: Graph,
    records: Iterable[tuple[str, int, object]],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    writers: int = DEFAULT_WRITERS,
    now: datetime | None = None,
) -> ImportReport:
    """Apply records in one pass; each may refer to earlier records or to the graph.

    `now` is the time written where a line gives none (`createdAt`, `updatedAt`,
    `assignedAt`); by default the time each batch is written.
    """
    started = time.perf_counter()
    async with Importer(graph, batch_size=batch_size, writers=writers, now=now) as importer:
        feed = importer.feed
        for n, (source, line, obj) in enumerate(records, start=1):
            if feed(source, line, obj):
                await importer.flush_full()
            if n % _YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let the writer send and receive
        await importer.drain()
    importer.report.events = await tag_events.dispatch(graph)
    importer.report.rejections.sort(key=lambda r: (r.source, r.line))
    importer.report.seconds = time.perf_counter() - started
    return importer.report


def check_files(paths: Sequence[Path]) -> None:
    """Fail early, with one line, on a path that is not a readable file."""
    if not paths:
        raise C360Error("no file to import")
    for path in paths:
        if not path.exists():
            raise C360Error(f"{path}: no such file")
        if not path.is_file():
            raise C360Error(f"{path}: not a file")
        try:
            with path.open("rb"):
                pass
        except OSError as e:
            raise C360Error(f"{path}: cannot read it ({e.strerror})") from None


async def import_files(
    graph: Graph,
    paths: Sequence[Path],
    *,
    progress: Progress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    writers: int = DEFAULT_WRITERS,
    now: datetime | None = None,
) -> ImportReport:
    """Stream JSON Lines files in up to three passes (see the module docstring)."""
    check_files(paths)
    started = time.perf_counter()
    size = sum(path.stat().st_size for path in paths)
    done = 0
    planned = 3  # passes; known once pass 1 has seen which kinds the files hold
    names = {1: "nodes", 2: "relationships", 3: "tag parents and stages"}
    async with Importer(graph, batch_size=batch_size, writers=writers, now=now) as importer:
        for phase in (1, 2, 3):
            if phase > 1 and phase not in importer.phases_seen:
                continue  # nothing for this pass to do
            first = phase == 1
            description = f"pass {phase}: {names[phase]}"
            phases = frozenset({phase})
            n = 0
            for path in paths:
                source = str(path)
                for line, raw, nbytes in _read_lines(path):
                    done += nbytes
                    n += 1
                    if n % _YIELD_EVERY == 0:
                        if progress is not None:
                            progress(done, size * planned, description)
                        await asyncio.sleep(0)  # let the writer send and receive
                    if raw is None:
                        continue  # a blank line
                    try:
                        obj = orjson.loads(raw)
                    except orjson.JSONDecodeError as e:
                        if first:
                            importer.report.lines += 1
                            importer.report.reject(source, line, f"not valid JSON: {e}")
                        continue
                    if importer.feed(source, line, obj, phases, first):
                        await importer.flush_full()
            if first:
                planned = 1 + len(importer.phases_seen - {1})
                done = size  # pass 2 starts counting from here
            if progress is not None:
                progress(done, size * planned, description)
        # Batches of a later pass are written after all batches of earlier ones, so
        # references to lines read in an earlier pass resolve.
        await importer.drain()
    importer.report.events = await tag_events.dispatch(graph)
    importer.report.rejections.sort(key=lambda r: (r.source, r.line))
    importer.report.seconds = time.perf_counter() - started
    return importer.report


def _read_lines(path: Path) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line or None when blank, bytes it took) for each line of a file."""
    try:
        with path.open("rb") as lines:
            for number, raw in enumerate(lines, start=1):
                nbytes = len(raw)
                if number == 1 and raw.startswith(_BOM):
                    raw = raw[len(_BOM) :]
                yield number, (None if not raw or raw.isspace() else raw), nbytes
    except OSError as e:
        raise C360Error(f"{path}: cannot read it ({e.strerror or e})") from None
