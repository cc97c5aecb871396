"""Capture and service: recordInteraction, tickets (updateTicket, Query.tickets,
serviceLevels) and scored feedback (feedbackSummary)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from core.settings import Settings
from graph.db import Graph, counting_round_trips
from graph.ingest.importer import import_records
from graph.migrate import migrate
from resolvers.pagination import encode_cursor
from security.roles import Role
from tests.api.conftest import Api, every_page, snapshot

RECORD = """
mutation ($input: InteractionInput!) {
  recordInteraction(input: $input) {
    id type occurredAt channel note amount status priority assignee firstResponseAt resolvedAt
    score customer { id totalSpend purchaseCount lastPurchaseAt } product { id }
  }
}
"""
UPDATE = """
mutation ($id: ID!, $input: TicketUpdate!) {
  updateTicket(id: $id, input: $input) {
    id status priority assignee note firstResponseAt resolvedAt
  }
}
"""
TICKETS = """
query ($s: [TicketStatus!], $p: [TicketPriority!], $a: String, $first: Int, $after: String) {
  tickets(status: $s, priority: $p, assignee: $a, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id status customer { id } } }
  }
}
"""
LEVELS = """
query ($from: DateTime!, $to: DateTime!) {
  serviceLevels(from: $from, to: $to) {
    priority tickets open medianFirstResponseMinutes medianResolutionHours breached
  }
}
"""
FEEDBACK = """
query ($tag: String, $from: DateTime, $to: DateTime) {
  feedbackSummary(byTag: $tag, from: $from, to: $to) { group responses averageScore nps }
}
"""


async def record(api: Api, **input: Any) -> dict[str, Any]:
    data = await api(RECORD, input=input)
    row: dict[str, Any] = data["recordInteraction"]
    return row


def ids(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in data["tickets"]["edges"]]


async def test_a_recorded_purchase_keeps_the_figures_exact(api: Api, shop: Graph) -> None:
    bought = await record(
        api, id="r1", customerId="c2", type="PURCHASE", productId="p2", amount=8.5,
        quantity=2, occurredAt="2025-06-01T10:00:00Z", channel=" app ",
    )  # fmt: skip
    assert bought["customer"] == {"id": "c2", "totalSpend": 19.0, "purchaseCount": 2,
                                  "lastPurchaseAt": "2025-06-01T10:00:00Z"}  # fmt: skip
    assert (bought["channel"], bought["product"], bought["status"]) == ("app", {"id": "p2"}, None)
    # the same id again is the same interaction (a retried call): updated, not doubled
    again = await record(api, id="r1", customerId="c2", type="PURCHASE", productId="p2",
                         amount=10.0, occurredAt="2025-06-01T10:00:00Z")  # fmt: skip
    assert again["customer"]["totalSpend"] == 20.5
    assert again["customer"]["purchaseCount"] == 2
    call = await record(api, customerId="c2", type="CALL", note="回访")
    assert call["id"].startswith("int-") and call["note"] == "回访"
    occurred = datetime.fromisoformat(call["occurredAt"])
    assert abs((datetime.now(UTC) - occurred).total_seconds()) < 60


async def test_a_ticket_opens_is_answered_resolved_and_reopened(api: Api, shop: Graph) -> None:
    opened = await record(api, id="t1", customerId="c1", type="TICKET", note="broken cup",
                          occurredAt="2026-01-05T08:00:00Z")  # fmt: skip
    assert (opened["status"], opened["priority"], opened["firstResponseAt"]) == (
        "OPEN", "NORMAL", None)  # fmt: skip
    assigned = await api(UPDATE, id="t1", input={"assignee": " li ", "priority": "HIGH"})
    assert assigned["updateTicket"] == {
        "id": "t1", "status": "OPEN", "priority": "HIGH", "assignee": "li", "note": "broken cup",
        "firstResponseAt": None, "resolvedAt": None,
    }  # fmt: skip
    before = datetime.now(UTC).replace(microsecond=0)
    pending = (await api(UPDATE, id="t1", input={"status": "PENDING"}))["updateTicket"]
    first_response = pending["firstResponseAt"]
    assert datetime.fromisoformat(first_response) >= before and pending["resolvedAt"] is None
    resolved = (await api(UPDATE, id="t1", input={"status": "RESOLVED"}))["updateTicket"]
    assert resolved["firstResponseAt"] == first_response  # the first response stays
    assert datetime.fromisoformat(resolved["resolvedAt"]) >= before
    closed = (await api(UPDATE, id="t1", input={"status": "CLOSED"}))["updateTicket"]
    assert closed["resolvedAt"] == resolved["resolvedAt"]  # still resolved: kept
    reopened = await api(UPDATE, id="t1", input={"status": "OPEN", "assignee": None})
    assert reopened["updateTicket"]["resolvedAt"] is None
    assert reopened["updateTicket"]["assignee"] is None
    # a ticket is an interaction of its customer like any other
    history = await api('{ customer(id: "c1") { interactions(types: [TICKET]) { '
                        "edges { node { id status priority } } } } }")  # fmt: skip
    assert history["customer"]["interactions"]["edges"] == [
        {"node": {"id": "t1", "status": "OPEN", "priority": "HIGH"}}]  # fmt: skip


async def test_imported_tickets_keep_their_times_and_state(api: Api, shop: Graph) -> None:
    lines = [
        {"kind": "interaction", "id": "t9", "customerId": "c1", "type": "ticket",
         "occurredAt": "2026-01-01T00:00:00Z", "status": "closed", "priority": "urgent",
         "assignee": "wang", "firstResponseAt": "2026-01-01T00:30:00Z",
         "resolvedAt": "2026-01-01T06:00:00Z"},
        {"kind": "interaction", "id": "f9", "customerId": "c1", "type": "FEEDBACK",
         "occurredAt": "2026-01-02T00:00:00Z", "score": 9},
    ]  # fmt: skip
    report = await import_records(shop, [("t", n, line) for n, line in enumerate(lines, 1)])
    assert report.rejected == 0
    data = await api(
        '{ customer(id: "c1") { interactions(types: [TICKET, FEEDBACK]) { edges { '
        "node { id status priority assignee firstResponseAt resolvedAt score } } } } }"
    )
    assert [e["node"] for e in data["customer"]["interactions"]["edges"]] == [
        {"id": "f9", "status": None, "priority": None, "assignee": None,
         "firstResponseAt": None, "resolvedAt": None, "score": 9},
        {"id": "t9", "status": "CLOSED", "priority": "URGENT", "assignee": "wang",
         "firstResponseAt": "2026-01-01T00:30:00Z", "resolvedAt": "2026-01-01T06:00:00Z",
         "score": None},
    ]  # fmt: skip
    # a later line without the ticket fields leaves them; reopening clears resolvedAt
    again = [{"kind": "interaction", "id": "t9", "customerId": "c1", "type": "TICKET",
              "occurredAt": "2026-01-01T00:00:00Z", "note": "again"}]  # fmt: skip
    await import_records(shop, [("t", 1, again[0])])
    ticket = (await api(UPDATE, id="t9", input={}))["updateTicket"]
    assert (ticket["status"], ticket["resolvedAt"], ticket["note"]) == (
        "CLOSED", "2026-01-01T06:00:00Z", "again")  # fmt: skip
    reopen = [again[0] | {"status": "PENDING"}]
    await import_records(shop, [("t", 1, reopen[0])])
    ticket = (await api(UPDATE, id="t9", input={}))["updateTicket"]
    assert (ticket["status"], ticket["resolvedAt"], ticket["firstResponseAt"]) == (
        "PENDING", None, "2026-01-01T00:30:00Z")  # fmt: skip


async def test_the_ticket_queue_is_newest_first_filtered_and_paged(api: Api, shop: Graph) -> None:
    plan = [  # id, customer, day, status, priority, assignee
        ("a", "c1", 1, "OPEN", "LOW", "li"),
        ("b", "c2", 2, "PENDING", "URGENT", "wang"),
        ("c", "c1", 3, "RESOLVED", "NORMAL", "li"),
        ("d", "c3", 3, "OPEN", "URGENT", None),  # the same time as c: by id, descending
        ("e", "c2", 4, "CLOSED", "HIGH", "li"),
    ]
    for tid, customer, day, status, priority, assignee in plan:
        await record(api, id=tid, customerId=customer, type="TICKET", status=status,
                     priority=priority, assignee=assignee,
                     occurredAt=f"2026-02-0{day}T09:00:00Z")  # fmt: skip
    await record(api, customerId="c1", type="CALL")  # not a ticket
    assert ids(await api(TICKETS)) == ["e", "d", "c", "b", "a"]
    assert ids(await api(TICKETS, s=["OPEN", "PENDING"])) == ["d", "b", "a"]
    assert ids(await api(TICKETS, p=["URGENT"], s=["OPEN"])) == ["d"]
    assert ids(await api(TICKETS, a="li")) == ["e", "c", "a"]
    seen: list[str] = []
    after = None
    while True:
        page = await api(TICKETS, first=2, after=after)
        assert page["tickets"]["totalCount"] == 5
        seen += ids(page)
        if not page["tickets"]["pageInfo"]["hasNextPage"]:
            break
        after = page["tickets"]["pageInfo"]["endCursor"]
    assert seen == ["e", "d", "c", "b", "a"]
    filtered = await api(TICKETS, a="li", first=1)
    assert filtered["tickets"]["totalCount"] == 3
    rest = await api(TICKETS, a="li", first=5, after=filtered["tickets"]["pageInfo"]["endCursor"])
    assert ids(rest) == ["c", "a"]


async def test_every_filter_pages_and_counts_what_it_lets_through(api: Api, shop: Graph) -> None:
    # each filter combination reads other indexes (none, status/priority, with an assignee);
    # two tickets at each time, so pages split ties (by id)
    statuses = ["OPEN", "PENDING", "RESOLVED", "CLOSED"]
    priorities = ["LOW", "NORMAL", "HIGH", "URGENT"]
    tickets = []
    for n in range(18):
        ticket = (f"t{n:02}", statuses[n % 4], priorities[n // 2 % 4], ["li", "wang", None][n % 3])
        tickets.append(ticket)
        await record(api, id=ticket[0], customerId=f"c{n % 3 + 1}", type="TICKET",
                     status=ticket[1], priority=ticket[2], assignee=ticket[3],
                     occurredAt=f"2026-02-{n // 2 + 1:02}T09:00:00Z")  # fmt: skip
    await record(api, customerId="c1", type="CALL", occurredAt="2026-02-01T09:00:00Z")
    for s in (None, ["OPEN"], ["OPEN", "PENDING"], ["RESOLVED", "CLOSED"]):
        for p in (None, ["URGENT"], ["LOW", "HIGH"]):
            for a in (None, "li", "wang", "nobody"):
                expected = [t for t, status, priority, assignee in reversed(tickets)
                            if (s is None or status in s) and (p is None or priority in p)
                            and (a is None or assignee == a)]  # fmt: skip
                nodes, totals = await every_page(api, TICKETS, "tickets", s=s, p=p, a=a, first=3)
                assert [n["id"] for n in nodes] == expected, (s, p, a)
                assert totals == {len(expected)}, (s, p, a)


async def test_tickets_from_before_statuses_are_open_and_normal(api: Api, shop: Graph) -> None:
    # a TICKET written before tickets had a status and a priority (an older import or demo)
    await shop.run_text("t", """MATCH (c:Customer {id: 'c1'})
        CREATE (c)-[:HAD]->(:Interaction {id: 'old', type: 'TICKET',
                                          occurredAt: datetime('2025-06-01T00:00:00Z')})""",
                        write=True)  # fmt: skip
    await migrate(shop)
    data = await api(TICKETS, s=["OPEN"], p=["NORMAL"])
    assert (ids(data), data["tickets"]["totalCount"]) == (["old"], 1)
    assert (await api(TICKETS, s=["OPEN"], a="li"))["tickets"]["totalCount"] == 0


async def test_a_ticket_page_is_one_round_trip_whatever_its_size(api: Api, shop: Graph) -> None:
    for n in range(12):
        await record(api, id=f"t{n:02}", customerId=f"c{n % 3 + 1}", type="TICKET")
    query = """query ($first: Int) {
      tickets(first: $first) { edges { node { id customer { id name } } } } }"""
    counts = []
    for first in (1, 12):
        with counting_round_trips() as counter:
            data = await api(query, first=first)
        assert len(data["tickets"]["edges"]) == first
        counts.append(counter.count)
    assert counts[0] == counts[1] == 2  # the page, then the customers of all its tickets


async def test_service_levels_per_priority(api: Api, shop: Graph) -> None:
    day = "2026-03-0{}T{:02}:00:00Z".format
    lines = [  # created, first response, resolved (C360_SLA_HOURS defaults: URGENT 4 h ...)
        {"id": "u1", "priority": "URGENT", "occurredAt": day(1, 0), "status": "RESOLVED",
         "firstResponseAt": day(1, 1), "resolvedAt": day(1, 3)},  # in 3 h: met
        {"id": "u2", "priority": "URGENT", "occurredAt": day(1, 0), "status": "CLOSED",
         "firstResponseAt": day(1, 0), "resolvedAt": day(1, 10)},  # in 10 h: breached
        {"id": "u3", "priority": "URGENT", "occurredAt": day(2, 0)},  # open past 4 h: breached
        {"id": "n1", "priority": "NORMAL", "occurredAt": day(2, 0), "status": "PENDING",
         "firstResponseAt": day(2, 2)},  # open, within 72 h of the window's end
        {"id": "n2", "occurredAt": day(3, 0), "status": "RESOLVED", "resolvedAt": day(8, 0)},
        {"id": "h0", "priority": "HIGH", "occurredAt": "2026-02-20T00:00:00Z"},  # before
    ]  # fmt: skip
    records = [("t", n, {"kind": "interaction", "customerId": "c1", "type": "TICKET"} | line)
               for n, line in enumerate(lines, 1)]  # fmt: skip
    assert (await import_records(shop, records)).rejected == 0
    data = await api(LEVELS, **{"from": "2026-03-01T00:00:00Z"}, to="2026-03-04T00:00:00Z")
    assert data["serviceLevels"] == [
        {"priority": "LOW", "tickets": 0, "open": 0, "medianFirstResponseMinutes": None,
         "medianResolutionHours": None, "breached": 0},
        # n2 was resolved after the window's end: open at its end, not counted as resolved
        {"priority": "NORMAL", "tickets": 2, "open": 2, "medianFirstResponseMinutes": 120.0,
         "medianResolutionHours": None, "breached": 0},
        {"priority": "HIGH", "tickets": 0, "open": 0, "medianFirstResponseMinutes": None,
         "medianResolutionHours": None, "breached": 0},
        {"priority": "URGENT", "tickets": 3, "open": 1, "medianFirstResponseMinutes": 30.0,
         "medianResolutionHours": 6.5, "breached": 2},
    ]  # fmt: skip
    later = await api(LEVELS, **{"from": "2026-03-01T00:00:00Z"}, to="2026-03-10T00:00:00Z")
    normal = later["serviceLevels"][1]
    # n2 resolved in 5 days: past NORMAL's 72 h; n1 still open past it too
    assert (normal["open"], normal["medianResolutionHours"], normal["breached"]) == (1, 120.0, 2)


async def test_sla_targets_come_from_the_settings(graph: Graph, shop: Graph) -> None:
    settings = Settings(C360_SLA_HOURS="urgent=12")  # type: ignore[call-arg]
    api = Api(graph, settings)
    await record(api, id="u", customerId="c1", type="TICKET", priority="URGENT",
                 status="RESOLVED", occurredAt="2026-03-01T00:00:00Z")  # fmt: skip
    await api(UPDATE, id="u", input={"status": "OPEN"})
    data = await api(LEVELS, **{"from": "2026-03-01T00:00:00Z"}, to="2026-03-01T11:00:00Z")
    assert data["serviceLevels"][3]["breached"] == 0  # 11 h < 12 h
    data = await api(LEVELS, **{"from": "2026-03-01T00:00:00Z"}, to="2026-03-01T13:00:00Z")
    assert data["serviceLevels"][3]["breached"] == 1
    with pytest.raises(ValueError, match="C360_SLA_HOURS: 'SOON=1' is not PRIORITY=HOURS"):
        Settings(C360_SLA_HOURS="SOON=1")  # type: ignore[call-arg]


async def test_feedback_by_the_tags_below_a_tag(api: Api, shop: Graph) -> None:
    # VIP > Gold (SHOP); Silver below VIP too, held by no one; c1 holds VIP and Gold, c2 VIP
    await api('mutation { createTag(name: "Silver", parent: "VIP") { id } }')
    await api('mutation { createTag(name: "Platinum", parent: "Gold") { id } }')
    await api('mutation { assignTags(customerId: "c3", tags: ["Platinum"]) { id } }')
    for customer, score, day in (("c1", 10, 1), ("c1", 6, 2), ("c2", 9, 3), ("c3", 7, 4),
                                 ("c3", 2, 9)):  # fmt: skip
        await record(api, customerId=customer, type="FEEDBACK", score=score,
                     occurredAt=f"2026-04-0{day}T00:00:00Z")  # fmt: skip
    await record(api, customerId="c2", type="FEEDBACK")  # no score: no response to count
    everyone = await api(FEEDBACK)
    assert everyone["feedbackSummary"] == [
        {"group": "全部", "responses": 5, "averageScore": 6.8, "nps": 0.0}]  # fmt: skip
    # Gold: c1 (holds it) and c3 (holds Platinum, below Gold), once each
    by_vip = await api(FEEDBACK, tag="VIP", to="2026-04-05T00:00:00Z")
    assert by_vip["feedbackSummary"] == [
        {"group": "全部", "responses": 4, "averageScore": 8.0, "nps": 25.0},
        {"group": "Gold", "responses": 3, "averageScore": pytest.approx(23 / 3), "nps": 0.0},
        {"group": "Silver", "responses": 0, "averageScore": None, "nps": None},
    ]  # fmt: skip


async def test_a_customer_counts_once_per_group(api: Api, shop: Graph) -> None:
    # VIP > Gold > Platinum, VIP > Silver: c1 holds Gold and Platinum (one group, once), c2
    # Gold and Silver (two groups), c3 no tag below VIP
    await api('mutation { createTag(name: "Silver", parent: "VIP") { id } }')
    await api('mutation { createTag(name: "Platinum", parent: "Gold") { id } }')
    await api('mutation { assignTags(customerId: "c1", tags: ["Platinum"]) { id } }')
    await api('mutation { assignTags(customerId: "c2", tags: ["Gold", "Silver"]) { id } }')
    for customer, score, day in (("c1", 10, 1), ("c1", 3, 2), ("c2", 9, 3), ("c3", 7, 4)):
        await record(api, customerId=customer, type="FEEDBACK", score=score,
                     occurredAt=f"2026-04-0{day}T00:00:00Z")  # fmt: skip
    by_vip = await api(FEEDBACK, tag="VIP")
    assert by_vip["feedbackSummary"] == [
        {"group": "全部", "responses": 4, "averageScore": 7.25, "nps": 25.0},
        {"group": "Gold", "responses": 3, "averageScore": pytest.approx(22 / 3),
         "nps": pytest.approx(100 / 3)},
        {"group": "Silver", "responses": 1, "averageScore": 9.0, "nps": 100.0},
    ]  # fmt: skip
    by_gold = await api(FEEDBACK, tag="Gold", **{"from": "2026-04-02T00:00:00Z"})
    assert by_gold["feedbackSummary"] == [
        {"group": "全部", "responses": 3, "averageScore": pytest.approx(19 / 3), "nps": 0.0},
        {"group": "Platinum", "responses": 1, "averageScore": 3.0, "nps": -100.0},
    ]  # fmt: skip
    empty = await api(FEEDBACK, tag="VIP", to="2026-01-01T00:00:00Z")
    assert empty["feedbackSummary"] == [
        {"group": name, "responses": 0, "averageScore": None, "nps": None}
        for name in ("全部", "Gold", "Silver")
    ]


async def test_bad_input_names_the_field_and_writes_nothing(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)
    for input, code, field in (
        ({"customerId": "c1", "type": "FEEDBACK", "score": 11}, "BAD_USER_INPUT", "score"),
        ({"customerId": "c1", "type": "FEEDBACK", "score": -1}, "BAD_USER_INPUT", "score"),
        ({"customerId": "c1", "type": "CALL", "status": "OPEN"}, "BAD_USER_INPUT", "status"),
        ({"customerId": "c1", "type": "CALL", "score": 3}, "BAD_USER_INPUT", "score"),
        ({"customerId": "c1", "type": "TICKET", "score": 3}, "BAD_USER_INPUT", "score"),
        ({"customerId": "c1", "type": "PURCHASE"}, "BAD_USER_INPUT", "productId"),
        ({"customerId": "c1", "type": "PURCHASE", "productId": "p1", "quantity": 0},
         "BAD_USER_INPUT", "quantity"),
        ({"customerId": "c1", "type": "CALL", "id": " "}, "BAD_USER_INPUT", "id"),
        ({"customerId": "c1", "type": "CALL", "note": "x" * 10_001}, "BAD_USER_INPUT", "note"),
        ({"customerId": "nobody", "type": "CALL"}, "NOT_FOUND", "customerId"),
        ({"customerId": "c1", "type": "VIEW", "productId": "nothing"}, "NOT_FOUND", "productId"),
    ):  # fmt: skip
        error = await api.error(RECORD, input=input)
        assert error["extensions"] == {"code": code, "field": field}, input
    for ticket_id, code in (("nope", "NOT_FOUND"), ("i4", "NOT_FOUND")):  # i4: a CALL
        error = await api.error(UPDATE, id=ticket_id, input={"status": "CLOSED"})
        assert error["extensions"] == {"code": code, "field": "id"}
    assert await snapshot(shop) == before
    for variables, field in (
        ({"from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "to"),
    ):
        error = await api.error(LEVELS, **variables)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    error = await api.error(FEEDBACK, tag="no such tag")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "byTag"}
    for cursor in ("nope", encode_cursor([1, 10**9, "a"]), encode_cursor([10**15, 0, "a"])):
        error = await api.error(TICKETS, after=cursor)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_who_may_record_and_update(api: Api, shop: Graph) -> None:
    await record(api, id="t1", customerId="c1", type="TICKET")
    for role in (Role.SALES, Role.ADMIN):
        await api.as_role(role)(UPDATE, id="t1", input={"priority": "HIGH"})
        await api.as_role(role)(RECORD, input={"customerId": "c1", "type": "CALL"})
    before = await snapshot(shop)
    for role in (Role.MARKETER, Role.ANALYST, Role.VIEWER):
        error = await api.as_role(role).error(UPDATE, id="t1", input={"status": "CLOSED"})
        assert error["extensions"]["code"] == "FORBIDDEN"
        error = await api.as_role(role).error(RECORD, input={"customerId": "c1", "type": "CALL"})
        assert error["extensions"]["code"] == "FORBIDDEN"
    assert await snapshot(shop) == before
    # every role reads the queue and the figures
    for role in (Role.ANALYST, Role.VIEWER):
        assert ids(await api.as_role(role)(TICKETS)) == ["t1"]


async def test_the_ticket_count_is_read_only_when_asked_for(api: Api, shop: Graph) -> None:
    await record(api, id="t1", customerId="c1", type="TICKET")
    query = """query ($count: Boolean!) { tickets(first: 5) {
      totalCount @include(if: $count) edges { node { id } } } }"""
    for count in (True, False):
        with counting_round_trips() as counter:
            data = await api(query, count=count)
        assert data["tickets"].get("totalCount") == (1 if count else None)
        [(name, _, params)] = counter.statements
        assert (name, params["count"]) == ("tickets/page", count)
