"""Retention of the change log (graph/changes.py, cypher/changes/prune.cypher): old numbered
events deleted in bounded batches, tag events (the tag history), young and pending events
kept, several pruners at once, `c360 serve` pruning on its own, `c360 prune-changes`, and
subscribers resuming after pruning."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest
from websockets.asyncio.client import ClientConnection

from core.settings import Settings
from graph import changes
from graph.db import Graph
from graph.tags import events as tag_events
from tests.api.conftest import Api
from tests.api.live import mutate
from tests.api.test_changes import received, subscribe
from tests.conftest import C360, serving

AGE = "MATCH (e:Change) WHERE e.seq IS NOT NULL SET e.at = e.at - duration({days: $days})"


async def history(api: Api, graph: Graph) -> int:
    """Three changes of a new customer c9, numbered and then made 100 days old, and one made
    now: CUSTOMER_UPSERTED, TAG_ADDED (Risk), STAGE_CHANGED (NEW) old, STAGE_CHANGED (ACTIVE)
    new, at seq start+1..start+4. Returns start."""
    start = await tag_events.last_seq(graph)
    await api('mutation { upsertCustomer(input: {id: "c9", name: "Zed"}) { id } }')
    await api('mutation { assignTags(customerId: "c9", tags: ["Risk"]) { id } }')
    await api('mutation { setStage(customerId: "c9", stage: NEW) { id } }')
    await tag_events.dispatch(graph)
    await graph.run_text("tests/age", AGE, write=True, days=100)
    await api('mutation { setStage(customerId: "c9", stage: ACTIVE) { id } }')
    await tag_events.dispatch(graph)
    return start


async def seqs(graph: Graph, start: int) -> list[tuple[int, str]]:
    return [(int(e["seq"]), e["kind"]) for e in await changes.after(graph, start)]


async def test_old_events_go_tag_events_new_and_pending_ones_stay(api: Api, shop: Graph) -> None:
    start = await history(api, shop)
    # a change whose writer died before dispatching it: pending, however old
    await shop.run_text(
        "tests/pending",
        "CREATE (:Change:PendingChange {kind: 'STAGE_CHANGED', stage: 'LOYAL', customerId: 'c9', "
        "actor: 'dead', at: datetime() - duration({days: 200})})",
        write=True,
    )
    report = await changes.prune(shop, changes.retention_cutoff(90))
    assert report == changes.PruneReport(scanned=3, deleted=2, pruned_through=start + 3)
    assert await seqs(shop, start) == [(start + 2, "TAG_ADDED"), (start + 4, "STAGE_CHANGED")]
    assert await changes.pruned_through(shop) == start + 3

    # the numbering goes on from the last number given, not from what is left
    assert await tag_events.last_seq(shop) == start + 4
    await tag_events.dispatch(shop)
    assert await seqs(shop, start) == [
        (start + 2, "TAG_ADDED"),
        (start + 4, "STAGE_CHANGED"),
        (start + 5, "STAGE_CHANGED"),
    ]
    # That late one is old, but numbered after a young event: the scan stops at the young
    # one, and it waits for a later run.
    again = await changes.prune(shop, changes.retention_cutoff(90))
    assert again == changes.PruneReport(scanned=0, deleted=0, pruned_through=start + 3)
    assert len(await changes.after(shop, start)) == 3

    # the tag history is whole
    data = await api('{ customer(id: "c9") { timeline(kinds: [TAG_ADDED]) { totalCount } } }')
    assert data["customer"]["timeline"]["totalCount"] == 1
    logs = await shop.run_text("tests/logs", "MATCH (l:EventLog) RETURN l.id AS id ORDER BY id")
    assert [row["id"] for row in logs] == ["retention", "tagEvents"]


MANY = """
UNWIND range(1, $n) AS n
CALL (n) {
  WITH n WHERE n % $tagEvery <> 0
  CREATE (:Change {seq: n, kind: 'CUSTOMER_UPSERTED', customerId: 'c1', at: $at})
}
CALL (n) {
  WITH n WHERE n % $tagEvery = 0
  CREATE (:Change:TagEvent {seq: n, kind: 'TAG_ADDED', change: 'ADDED', customerId: 'c1',
                            at: $at})
}
"""


async def numbered(graph: Graph, n: int, tag_every: int, at: datetime) -> None:
    await graph.run_text("tests/many", MANY, write=True, n=n, tagEvery=tag_every, at=at)
    await graph.run_text(
        "tests/log", "MERGE (l:EventLog {id: 'tagEvents'}) SET l.seq = $n", write=True, n=n
    )


async def test_each_transaction_deletes_at_most_a_batch(graph: Graph) -> None:
    old = datetime.now(UTC) - timedelta(days=100)
    await numbered(graph, 25, tag_every=1000, at=old)  # seq 1..25, no tag event
    await graph.run_text(
        "tests/young",
        "UNWIND range(26, 30) AS n CREATE (:Change {seq: n, kind: 'CUSTOMER_UPSERTED', "
        "customerId: 'c1', at: datetime()})",
        write=True,
    )
    cutoff = changes.retention_cutoff(90)
    rows = []
    for _ in range(4):
        row = await graph.write_one("changes/prune", cutoff=cutoff, batch=10, now=datetime.now(UTC))
        assert row is not None
        rows.append((row["scanned"], row["deleted"], row["prunedThrough"], row["more"]))
    assert rows == [(10, 10, 10, True), (10, 10, 20, True), (5, 5, 25, False), (0, 0, 25, False)]
    assert [seq for seq, _ in await seqs(graph, 0)] == [26, 27, 28, 29, 30]


async def test_pruners_running_at_once_take_turns(graph: Graph) -> None:
    await numbered(graph, 600, tag_every=4, at=datetime.now(UTC) - timedelta(days=100))
    cutoff = changes.retention_cutoff(90)
    reports = await asyncio.gather(*(changes.prune(graph, cutoff, batch=7) for _ in range(3)))
    # each event looked at once, each of the 450 others deleted once, whichever pruner did it
    assert sum(r.scanned for r in reports) == 600
    assert sum(r.deleted for r in reports) == 450
    assert [seq for seq, _ in await seqs(graph, 0)] == list(range(4, 601, 4))


async def test_the_server_prunes_and_resumes_refuse_to_skip_what_was_pruned(
    api: Api, shop: Graph, sockets: list[ClientConnection]
) -> None:
    start = await history(api, shop)
    with serving(env={"C360_CHANGE_RETENTION_DAYS": "90"}) as server:
        deadline = time.monotonic() + 30  # it prunes as it starts, then every few minutes
        while await changes.pruned_through(shop) != start + 3:
            assert time.monotonic() < deadline, "c360 serve did not prune"
            await asyncio.sleep(0.2)
        assert await seqs(shop, start) == [(start + 2, "TAG_ADDED"), (start + 4, "STAGE_CHANGED")]

        # from the newest pruned event on, a resume misses nothing
        resumed = await subscribe(server, init={"lastSeq": str(start + 3)})
        # from before it: refused, with where the log is whole again
        refused = await subscribe(server, lastSeq=str(start))
        # a subscriber to tag events alone misses nothing: they are never pruned
        tags_only = await subscribe(server, lastSeq=str(start), kinds=["TAG_ADDED"])
        sockets += [resumed, refused, tags_only]
        [stage] = await received(resumed, 1)
        assert (stage["seq"], stage["kind"], stage["stage"]) == (
            str(start + 4), "STAGE_CHANGED", "ACTIVE")  # fmt: skip
        message = json.loads(await asyncio.wait_for(refused.recv(), timeout=15))
        [error] = message["payload"]["errors"]
        assert error["extensions"] == {"code": "CHANGES_PRUNED", "prunedThrough": str(start + 3)}
        [tag] = await received(tags_only, 1)
        assert (tag["seq"], tag["tag"]) == (str(start + 2), "Risk")

        await mutate(server, 'mutation { setStage(customerId: "c9", stage: LOYAL) { id } }')
        [live] = await received(resumed, 1)
        assert (live["seq"], live["stage"]) == (str(start + 5), "LOYAL")


def prune_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(C360), "prune-changes", *args], capture_output=True, text=True, timeout=120
    )


async def test_prune_changes_command(api: Api, shop: Graph) -> None:
    start = await history(api, shop)
    kept = prune_command("--days", "0")
    assert kept.returncode == 0
    assert kept.stdout == "Retention is off (0 days): every event is kept.\n"
    assert len(await changes.after(shop, start)) == 4
    done = prune_command("--days", "30")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "Deleted 2 change events older than 30 days (looked at 3; tag events are kept).\n"
        "Deleted 0 webhook deliveries done before then.\n"
    )
    assert await seqs(shop, start) == [(start + 2, "TAG_ADDED"), (start + 4, "STAGE_CHANGED")]
    refused = prune_command("--days", "-1")
    assert refused.returncode == 2  # typer's usage error, before anything runs


def test_retention_setting() -> None:
    assert Settings().change_retention_days == 90
    assert Settings(C360_CHANGE_RETENTION_DAYS="0").change_retention_days == 0  # type: ignore[call-arg]
    for bad in ("-1", "a week"):
        with pytest.raises(ValueError, match="C360_CHANGE_RETENTION_DAYS"):
            Settings(C360_CHANGE_RETENTION_DAYS=bad)  # type: ignore[call-arg]
