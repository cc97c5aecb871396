"""eraseCustomer and `c360 erase`: the customer and everything theirs gone, their personal data
out of the audit trail, found nowhere in the database afterwards."""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

from graph.db import Graph
from graph.ingest.importer import import_records
from tests.api.conftest import Api
from tests.api.test_serve_cli import C360

# Values found nowhere else, so a search of the whole database for them means something.
NAME, EMAIL, PHONE = "Ezra Quillfeather", "ezra.quill@erase.example", "+8613711112222"
LINES: list[dict[str, Any]] = [
    {"kind": "customer", "id": "e1", "name": NAME, "email": EMAIL, "phone": PHONE,
     "birthDate": "1985-02-03", "city": "上海"},
    {"kind": "customer", "id": "e2", "name": "Other", "email": "other@erase.example"},
    {"kind": "product", "id": "p1", "name": "Tea"},
    {"kind": "interaction", "id": "ei1", "customerId": "e1", "type": "PURCHASE",
     "productId": "p1", "amount": 9.5, "occurredAt": "2025-01-01T00:00:00Z"},
    {"kind": "interaction", "id": "ei2", "customerId": "e2", "type": "VIEW",
     "productId": "p1", "occurredAt": "2025-01-02T00:00:00Z"},
    {"kind": "tagAssignment", "customerId": "e1", "tag": "VIP"},
    {"kind": "stage", "customerId": "e1", "stage": "NEW", "since": "2025-01-01T00:00:00Z"},
]  # fmt: skip
# Every property of every node and relationship, lists element by element.
EVERYWHERE = """
CALL () {
  MATCH (n) UNWIND keys(n) AS key
  WITH labels(n)[0] + '.' + key AS place, n[key] AS value
  RETURN place, value
  UNION ALL
  MATCH ()-[r]->() UNWIND keys(r) AS key
  RETURN type(r) + '.' + key AS place, r[key] AS value
}
WITH place, CASE WHEN valueType(value) STARTS WITH 'LIST' THEN value ELSE [value] END AS values
WHERE any(item IN values WHERE toString(item) CONTAINS $text)
RETURN collect(place) AS places
"""


async def found_anywhere(graph: Graph, text: str) -> list[str]:
    [row] = await graph.run_text("tests/everywhere", EVERYWHERE, text=text)
    places: list[str] = row["places"]
    return places


async def build(api: Api, graph: Graph) -> None:
    await graph.run_text("t", "CREATE (:Tag {id: 't-vip', name: 'VIP', status: 'ACTIVE'})",
                         write=True)  # fmt: skip
    report = await import_records(graph, (("f", n, line) for n, line in enumerate(LINES, 1)))
    assert report.ok, report
    # history and audit entries that hold the personal data
    await api(f'mutation {{ upsertCustomer(input: {{id: "e1", name: "{NAME}", email: "{EMAIL}", '
              f'phone: "{PHONE}", city: "北京"}}) {{ id }} }}')  # fmt: skip
    await api('mutation { removeTags(customerId: "e1", tags: ["VIP"]) { id } }')
    await api('mutation { saveSegment(name: "all", definition: {}) { id } }')
    segment = (await api("{ segments { id } }"))["segments"][0]["id"]
    await api(f'mutation {{ snapshotSegment(id: "{segment}") {{ count }} }}')
    for text in (NAME, EMAIL, PHONE):
        assert await found_anywhere(graph, text), text  # there before, so the test can fail


async def test_erasure_leaves_nothing_of_them_but_the_id_in_the_audit(
    api: Api, graph: Graph
) -> None:
    await build(api, graph)
    assert (await api('mutation { eraseCustomer(id: "e1") }')) == {"eraseCustomer": True}
    for text in (NAME, EMAIL, PHONE, "ezra.quill", "1985-02-03"):
        assert await found_anywhere(graph, text) == [], text
    assert (await api('{ customer(id: "e1") { id } }')) == {"customer": None}
    # theirs gone, the rest untouched
    [left] = await graph.run_text(
        "t",
        "RETURN COUNT { (:Interaction) } AS interactions, COUNT { (:Product) } AS products, "
        "COUNT { (:TagEvent {customerId: 'e1'}) } AS events, "
        "COUNT { (:CustomerChange {customerId: 'e1'}) } AS changes, "
        "COLLECT { MATCH (s:SegmentSnapshot) RETURN s.count } AS snapshotCounts, "
        "COUNT { (:Tag) } AS tags",
    )
    assert left == {"interactions": 1, "products": 1, "events": 0, "changes": 0,
                    "snapshotCounts": [1], "tags": 1}  # fmt: skip
    audit = (await api("{ auditLog(first: 20) { edges { node { action arguments } } } }"))[
        "auditLog"]["edges"]  # fmt: skip
    actions = [edge["node"]["action"] for edge in audit]
    assert actions[0] == "eraseCustomer" and "upsertCustomer" in actions
    upsert = next(e["node"]["arguments"] for e in audit if e["node"]["action"] == "upsertCustomer")
    assert '"id":"e1"' in upsert and '"name":"[erased]"' in upsert and "北京" in upsert
    # twice: NOT_FOUND, nothing written; a later import of the id makes a new customer
    error = await api.error('mutation { eraseCustomer(id: "e1") }')
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    again = [{"kind": "customer", "id": "e1", "name": "New person"}]
    await import_records(graph, (("g", n, line) for n, line in enumerate(again, 1)))
    assert (await api('{ customer(id: "e1") { name tags { name } } }'))["customer"] == {
        "name": "New person", "tags": []}  # fmt: skip


async def test_only_admins_erase(api: Api, graph: Graph) -> None:
    await build(api, graph)
    for role in ("sales", "marketer", "analyst", "viewer"):
        refused = await api.as_role(role).error('mutation { eraseCustomer(id: "e1") }')
        assert refused["extensions"]["code"] == "FORBIDDEN", role
    assert await found_anywhere(graph, EMAIL)


async def test_the_command_line_erases_and_records_it(api: Api, graph: Graph) -> None:
    await build(api, graph)
    done = await asyncio.to_thread(
        subprocess.run, [str(C360), "erase", "e1", "nobody"], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "Erased e1." in done.stdout
    assert "no customer nobody" in done.stderr
    for text in (NAME, EMAIL, PHONE):
        assert await found_anywhere(graph, text) == [], text
    [entry] = await graph.run_text(
        "t",
        "MATCH (e:AuditEntry {action: 'eraseCustomer'}) RETURN e.actor AS actor, "
        "e.arguments AS arguments",
    )
    assert entry == {"actor": "cli", "arguments": '{"id":"e1"}'}
