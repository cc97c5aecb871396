"""Subscriptions: tagEvents and changes, from the server's change feed (graph/changes.py),
filtered, one payload at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator

from core.errors import BadUserInput, GraphUnavailable, NotFound
from graph import changes
from graph.changes import ChangeFeed
from graph.cleansing import normalize_name
from graph.model import TAG_EVENT_KINDS, ChangeKind
from graph.rows import ChangeRow, CustomerRow, TagEventRow, TagRow
from graph.tags import taxonomy
from resolvers import clean
from resolvers.context import Info

CATCH_UP_BATCH = 1000


def _feed(info: Info, what: str) -> ChangeFeed:
    feed = info.context.events
    if feed is None:
        raise GraphUnavailable(f"{what} are served by `c360 serve` only")
    return feed


async def tag_events(info: Info, tags: list[str] | None) -> AsyncIterator[TagEventRow]:
    """Events from now on; with `tags`, only those of these tags (checked first)."""
    feed = _feed(info, "tag events")
    wanted: set[str] | None = None
    if tags is not None:
        names = {normalize_name(name, f"tags[{i}]"): f"tags[{i}]" for i, name in enumerate(tags)}
        found = await taxonomy.require(info.context.graph, names)
        wanted = {str(tag.tag["id"]) for tag in found.values()}
    async with feed.subscribe() as events:
        async for event in events:
            if event["kind"] in TAG_EVENT_KINDS and (wanted is None or event["tagId"] in wanted):
                info.context.loaders.clear_all()  # each payload reads the graph as it is now
                yield event  # type: ignore[misc]  # a tag event's row


async def changes_after(
    info: Info, kinds: list[ChangeKind] | None, customer_id: str | None, last_seq: str | None
) -> AsyncIterator[ChangeRow]:
    """Every change from now on, or from after `last_seq` (the argument, else the socket's
    connection_init payload `lastSeq`): first what the log still holds after it, then live."""
    feed = _feed(info, "changes")
    wanted = None if kinds is None else {kind.value for kind in kinds}
    customer = clean.text(customer_id)
    if last_seq is None:
        given = (info.context.connection_params or {}).get("lastSeq")
        last_seq = None if given is None else str(given)
    last = _seq(last_seq)

    def chosen(event: ChangeRow) -> bool:
        return (wanted is None or event["kind"] in wanted) and (
            customer is None or event["customerId"] == customer
        )

    # Subscribe first, then catch up from the log: an event numbered meanwhile is in both,
    # and is sent once (by seq).
    async with feed.subscribe() as live:
        if last is not None:
            missed = await changes.after(info.context.graph, last, CATCH_UP_BATCH)
            # checked after that read: retention only deletes, so what it read was whole
            await _not_pruned(info, last, wanted)
            while True:
                for event in missed:
                    last = int(event["seq"])
                    if chosen(event):
                        info.context.loaders.clear_all()
                        yield event
                if len(missed) < CATCH_UP_BATCH:
                    break
                missed = await changes.after(info.context.graph, last, CATCH_UP_BATCH)
        async for event in live:
            if last is not None and int(event["seq"]) <= last:
                continue
            if chosen(event):
                info.context.loaders.clear_all()  # each payload reads the graph as it is now
                yield event


async def _not_pruned(info: Info, last: int, wanted: set[str] | None) -> None:
    """ChangesPruned when retention deleted events after `last` that the subscriber wants
    (tag events are never pruned, so a subscriber to those alone misses nothing)."""
    if wanted is not None and wanted <= TAG_EVENT_KINDS:
        return
    pruned = await changes.pruned_through(info.context.graph)
    if last < pruned:
        raise changes.ChangesPruned(last, pruned)


def _seq(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**63:
        raise BadUserInput("lastSeq", f"{text!r} is not a sequence number of the change log")
    return value


async def customer(info: Info, customer_id: str) -> CustomerRow:
    record = await info.context.loaders.customer.load(customer_id)
    if record is None:
        raise NotFound("customer", customer_id)
    return record


async def current_customer(info: Info, customer_id: str) -> CustomerRow | None:
    """ChangeEvent.customer: the customer as it is now (a merged id: the customer it was
    merged into); None once erased."""
    record: CustomerRow | None = await info.context.loaders.customer.load(customer_id)
    return record


async def tag(info: Info, name: str) -> TagRow:
    record = await info.context.loaders.tag_by_name.load(name)
    if record is None:
        raise NotFound("tag", name)
    return record
