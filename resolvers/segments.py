"""Segment fields and queries: previews, saved segments, their counts and members.

Counts and member pages go through the request's `segment_results` loader, which answers all
of them in one UNION ALL query (`graph.segments.evaluation.evaluate_many`): `segments { count }`
costs the same round trips for any number of segments. Member nodes are primed into the
`customer` loader; their nested fields use the usual loaders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.errors import BadUserInput, Forbidden, NotFound
from graph.cleansing import normalize_label
from graph.paging import Page, PageKey
from graph.rows import CustomerRow, SegmentRow, SnapshotRow
from graph.segments import Definition, evaluation, parse_definition, saved, snapshots
from graph.segments.definition import load_definition, uses_age, uses_fields
from graph.segments.evaluation import Evaluation
from graph.views import ORDER_PROPERTIES
from resolvers.context import Info
from resolvers.customers import Order, PageRequest
from resolvers.pagination import EdgePage, check_first, decode_cursor, edge_page
from resolvers.selection import below


@dataclass(frozen=True)
class Preview:
    """A checked definition (aliases resolved) at one moment, the Cypher that counts it, and
    its count when the request asked for it."""

    definition: Definition
    as_of: datetime
    cypher: str
    params: dict[str, Any]
    count: int | None = None


def evaluated_at(info: Info, definition: Definition, as_of: datetime | None) -> datetime:
    """The moment a definition is evaluated at: asOf, or the request's now.

    Masked means not inferable: to a role that sees birthDate masked, an age condition
    evaluated at an asOf moved a day at a time would give the birthday away (found by a probe
    in 10 requests), so its age conditions hold as of today only (security.md)."""
    now = info.context.now
    principal = info.context.principal
    if principal is None or not principal.sees_personal_data:
        personal = uses_fields(definition, info.context.settings.personal_field_keys)
        if personal is not None:  # a condition on it would tell the value, one guess at a time
            refusal = Forbidden(
                f"{personal}: a custom field of C360_PERSONAL_FIELDS; roles that see personal "
                "data masked cannot filter on it"
            )
            refusal.field = personal
            raise refusal
    if as_of is None:
        return now
    if (
        (principal is None or not principal.sees_personal_data)
        and as_of.astimezone(UTC).date() != now.astimezone(UTC).date()
        and uses_age(definition)
    ):
        refusal = Forbidden(
            "asOf: a definition with minAge or maxAge is evaluated as of today only for "
            "roles that see birthDate masked; leave asOf out"
        )
        refusal.field = "asOf"
        raise refusal
    return as_of


async def preview(info: Info, raw: dict[str, Any], as_of: datetime | None) -> Preview:
    """Validate and check the definition (unknown tags are an error) before any field runs.
    The compiled query is the request's (`Loaders.compile_segment`), the one `count` runs.
    When `count` is selected, the check rides with it: one round trip for both."""
    definition = parse_definition(raw)
    moment = evaluated_at(info, definition, as_of)
    compile = info.context.loaders.compile_segment
    total = None
    if any(selection.name == "count" for selection in below(info)):
        definition, total = await evaluation.checked_count(
            info.context.graph, definition, moment, compile
        )
    else:
        definition = await evaluation.check(info.context.graph, definition)
    segment = compile(definition, moment)
    return Preview(definition, moment, segment.count_query, segment.params, total)


def stored(text: str) -> Definition:
    """A saved segment's definition (JSON text), validated; BAD_USER_INPUT when it no longer
    is one."""
    return load_definition(text)


def params_json(params: dict[str, Any]) -> str:
    """The parameters as JSON for analysts (asOf as ISO 8601)."""

    def default(value: object) -> str:
        if isinstance(value, datetime):
            return value.isoformat().replace("+00:00", "Z")
        raise TypeError(f"not JSON: {value!r}")

    return json.dumps(params, ensure_ascii=False, default=default)


async def count(info: Info, definition: Definition, as_of: datetime | None, checked: bool) -> int:
    ask = Evaluation(definition, evaluated_at(info, definition, as_of), checked=checked)
    return (await info.context.loaders.segment_results.load(ask)).total


async def customers(
    info: Info,
    definition: Definition,
    as_of: datetime | None,
    checked: bool,
    first: int | None,
    after: str | None,
) -> EdgePage[CustomerRow]:
    """Members by id ascending (Relay), with the total."""
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, str)
    ask = Evaluation(
        definition,
        evaluated_at(info, definition, as_of),
        after=key[0] if key else "",
        limit=size + 1,
        checked=checked,
    )
    result = await info.context.loaders.segment_results.load(ask)
    info.context.loaders.customer.prime_many(
        {row["node"]["id"]: row["node"] for row in result.rows}
    )
    page = Page(rows=result.rows, total=result.total)
    return edge_page(page, size, has_previous_page=key is not None)


async def snapshot_segment(info: Info, segment_id: str, as_of: datetime | None) -> SnapshotRow:
    """snapshotSegment: the saved segment's members at asOf (default: now), frozen."""
    segment = await info.context.loaders.segment.load(segment_id)
    if segment is None:
        raise NotFound("segment", segment_id, field="id")
    definition = stored(segment["definition"])
    moment = evaluated_at(info, definition, as_of)
    return await snapshots.take(
        info.context.graph, segment_id, definition, as_of=moment, taken_at=info.context.now
    )


def reveals_ages(info: Info, snapshot: SnapshotRow, definition: Definition) -> bool:
    """Whether the snapshot would tell this role about birthdays: masked means not inferable
    (as in `evaluated_at`), and the members of an age condition evaluated on another day
    than the snapshot was taken, compared over a few snapshots, give birthdays away."""
    principal = info.context.principal
    if principal is not None and principal.sees_personal_data:
        return False
    as_of, taken_at = snapshot["asOf"].to_native(), snapshot["takenAt"].to_native()
    moved = as_of.astimezone(UTC).date() != taken_at.astimezone(UTC).date()
    return moved and uses_age(definition)


async def segment_snapshots(info: Info, segment_id: str, text: str) -> list[SnapshotRow]:
    """Segment.snapshots (its definition `text`), newest first; for roles without personal
    data, not those that would reveal ages (`reveals_ages`)."""
    found: list[SnapshotRow] = await info.context.loaders.segment_snapshots.load(segment_id)
    definition = stored(text)
    return [snapshot for snapshot in found if not reveals_ages(info, snapshot, definition)]


async def snapshot(info: Info, snapshot_id: str, field: str) -> SnapshotRow:
    """A finished snapshot; NOT_FOUND naming `field` for any other id, FORBIDDEN for one that
    would reveal ages to this role."""
    found = await info.context.loaders.snapshot.load(snapshot_id)
    if found is None:
        raise NotFound("segment snapshot", snapshot_id, field=field)
    segment = await info.context.loaders.segment.load(found["segmentId"])
    assert segment is not None  # deleting a segment deletes its snapshots
    if reveals_ages(info, found, stored(segment["definition"])):
        refusal = Forbidden(
            f"{field}: this snapshot evaluated minAge/maxAge on another day than it was "
            "taken; roles that see birthDate masked cannot read it"
        )
        refusal.field = field
        raise refusal
    return found


async def snapshot_customers(
    info: Info, snapshot_id: str, left_out: str | None, first: int | None, after: str | None
) -> EdgePage[CustomerRow]:
    """A snapshot's members by id (those not in the snapshot `left_out`, when given)."""
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, str)
    start = key[0] if key else ""
    loaders = info.context.loaders
    if left_out is None:
        page_key = PageKey.of(snapshot_id, after=start, limit=size + 1)
        page = await loaders.snapshot_customers.load(page_key)
    else:
        page_key = PageKey.of(snapshot_id, leftOut=left_out, after=start, limit=size + 1)
        page = await loaders.snapshot_diff.load(page_key)
    return edge_page(page, size, has_previous_page=start != "")


async def matching_customers(
    info: Info,
    raw: dict[str, Any],
    as_of: datetime | None,
    request: PageRequest,
    order: Order | None,
) -> EdgePage[CustomerRow]:
    """Query.customers(where:, asOf:): a definition's members, by id forward (the names it
    uses checked in the same statement: unknown, BAD_USER_INPUT), or in `order` / backward
    (checked first, then one statement for the page: views' order and cursors)."""
    definition = parse_definition(raw, "where")
    order = order or Order()
    try:
        if order.by_id and request.forward_by_id:
            return await customers(info, definition, as_of, False, request.size, request.cursor)
        checked = await evaluation.check(info.context.graph, definition)
    except BadUserInput as e:  # an unknown name, found by the evaluation: its path in `where`
        if e.field is None or not e.field.startswith("definition"):
            raise
        raise BadUserInput("where" + e.field.removeprefix("definition"), e.reason) from e
    segment = info.context.loaders.compile_segment(checked, evaluated_at(info, checked, as_of))
    prop, temporal = ORDER_PROPERTIES[order.field]
    page = await evaluation.ordered_page(
        info.context.graph,
        segment,
        prop=prop,
        temporal=temporal,
        descending=order.descending,
        backward=request.backward,
        limit=request.size + 1,
        key=request.key(order),
    )
    return request.ordered(page, order)


async def segment(info: Info, segment_id: str) -> SegmentRow | None:
    return await info.context.loaders.segment.load(segment_id)


async def segments(info: Info) -> list[SegmentRow]:
    """Every saved segment, ordered by name (then createdAt, id)."""
    return await saved.all_segments(info.context.graph)


async def save(info: Info, name: str, raw: dict[str, Any]) -> SegmentRow:
    """A new segment (names are unique); the definition is checked like a preview's."""
    clean = normalize_label(name, "name")
    definition = parse_definition(raw)
    await evaluation.check(info.context.graph, definition)
    return await saved.save(info.context.graph, clean, definition)


async def delete(info: Info, segment_id: str) -> bool:
    """True once deleted; NOT_FOUND for an unknown id (nothing deleted)."""
    text = segment_id.strip()
    if not text:
        raise NotFound("segment", segment_id, field="id")
    await saved.delete(info.context.graph, text)
    return True
