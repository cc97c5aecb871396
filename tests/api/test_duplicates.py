"""duplicateCustomers: groups of customers sharing a normalised email, phone, or name and
birthDate, chains united, paged by their smallest id."""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

from graph.db import Graph, counting_round_trips
from graph.ingest.importer import import_records
from tests.api.conftest import Api
from tests.api.test_serve_cli import C360

DUPLICATES = """
query ($first: Int, $after: String) {
  duplicateCustomers(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor hasPreviousPage }
    edges { node { reasons customers { id name } } }
  }
}
"""
# d1 and d2 share an email (written differently: imports normalise it), d2 and d3 a phone
# (two formats of one number): one group of three. d4 and d5 share a name (also written
# differently) and a birthDate. d6 shares only a name with d4 (no birthDate): not a duplicate.
# d7 and d8 share nothing.
LINES: list[dict[str, Any]] = [
    {"kind": "customer", "id": "d1", "name": "张伟", "email": "Zhang.Wei@Example.com "},
    {"kind": "customer", "id": "d2", "name": "张伟 (app)", "email": "zhang.wei@example.com",
     "phone": "138 0013 8000"},
    {"kind": "customer", "id": "d3", "name": "Wei Zhang", "phone": "+86 138-0013-8000"},
    {"kind": "customer", "id": "d4", "name": "Anna Li", "birthDate": "1990-04-01"},
    {"kind": "customer", "id": "d5", "name": "ＡＮＮＡ LI", "birthDate": "1990-04-01"},
    {"kind": "customer", "id": "d6", "name": "Anna Li"},
    {"kind": "customer", "id": "d7", "name": "王芳", "email": "wang@example.com"},
    {"kind": "customer", "id": "d8", "name": "李娜", "phone": "13900001111"},
]  # fmt: skip


async def seed(graph: Graph) -> None:
    report = await import_records(graph, (("t", n, line) for n, line in enumerate(LINES, 1)))
    assert report.ok, report


def groups(data: dict[str, Any]) -> list[tuple[list[str], list[str]]]:
    return [
        ([c["id"] for c in edge["node"]["customers"]], edge["node"]["reasons"])
        for edge in data["duplicateCustomers"]["edges"]
    ]


async def test_groups_unite_chains_and_name_their_reasons(api: Api, graph: Graph) -> None:
    await seed(graph)
    with counting_round_trips() as counter:
        data = await api(DUPLICATES)
    assert counter.count == 2  # the shared values, then every group's customers at once
    assert groups(data) == [
        (["d1", "d2", "d3"], ["email", "phone"]),
        (["d4", "d5"], ["name+birthDate"]),
    ]
    assert data["duplicateCustomers"]["totalCount"] == 2


async def test_pages_by_smallest_id(api: Api, graph: Graph) -> None:
    await seed(graph)
    first = (await api(DUPLICATES, first=1))["duplicateCustomers"]
    assert [e["node"]["customers"][0]["id"] for e in first["edges"]] == ["d1"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = (await api(DUPLICATES, first=1, after=first["pageInfo"]["endCursor"]))[
        "duplicateCustomers"]  # fmt: skip
    assert [e["node"]["customers"][0]["id"] for e in second["edges"]] == ["d4"]
    assert second["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": second["pageInfo"]["endCursor"],
        "hasPreviousPage": True,
    }
    error = await api.error(DUPLICATES, after="nope")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_none_without_duplicates_and_masked_roles_are_refused(api: Api, graph: Graph) -> None:
    assert (await api(DUPLICATES))["duplicateCustomers"]["totalCount"] == 0
    await seed(graph)
    for role in ("viewer", "analyst"):
        refused = await api.as_role(role).error(DUPLICATES)
        assert refused["extensions"] == {"code": "FORBIDDEN", "field": "duplicateCustomers"}
    assert (await api.as_role("sales")(DUPLICATES))["duplicateCustomers"]["totalCount"] == 2


async def test_an_import_counts_new_customers_like_existing_ones(graph: Graph) -> None:
    """Never merged on its own: every line is a customer of its own, and the report says how
    many new ones share a key with another customer."""
    report = await import_records(graph, (("t", n, line) for n, line in enumerate(LINES, 1)))
    # every new customer sharing a key with another, from before or from the same import:
    # d1, d2 (an email), d2, d3 (a phone), d4, d5 (a name and birthDate); not d6, d7, d8
    assert report.matched_existing == 5
    assert report.applied["customer"] == len(LINES)
    again = await import_records(graph, (("t", n, line) for n, line in enumerate(LINES, 1)))
    assert again.matched_existing == 0  # no new customers: nothing to count
    later = [{"kind": "customer", "id": "d9", "name": "Someone", "phone": "13800138000"}]
    more = await import_records(graph, (("u", n, line) for n, line in enumerate(later, 1)))
    assert more.matched_existing == 1
    [row] = await graph.run_text("t", "MATCH (c:Customer) RETURN count(c) AS n")
    assert row["n"] == len(LINES) + 1


async def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, [str(C360), *args], capture_output=True, text=True
    )


async def test_merge_duplicates_dry_run_then_apply(api: Api, graph: Graph) -> None:
    await seed(graph)
    by_email = await cli("merge-duplicates", "--by", "email")
    assert by_email.returncode == 0, by_email.stderr
    assert "Would merge 1 customers into 1 (dry run" in by_email.stdout
    dry = await cli("merge-duplicates")
    assert "Would merge 3 customers into 2 (dry run" in dry.stdout
    assert (await api(DUPLICATES))["duplicateCustomers"]["totalCount"] == 2  # unchanged
    done = await cli("merge-duplicates", "--apply")
    assert done.returncode == 0, done.stderr
    assert "Merged 3 customers into 2." in done.stdout
    # the oldest survives (all created by one import: the smallest id), the rest resolve to it
    assert (await api(DUPLICATES))["duplicateCustomers"]["totalCount"] == 0
    ids = await graph.run_text("t", "MATCH (c:Customer) RETURN c.id AS id ORDER BY id")
    assert [row["id"] for row in ids] == ["d1", "d4", "d6", "d7", "d8"]
    assert (await api('{ customer(id: "d3") { id mergedIds } }'))["customer"] == {
        "id": "d1", "mergedIds": ["d2", "d3"]}  # fmt: skip
    entries = await graph.run_text(
        "t", "MATCH (e:AuditEntry {action: 'mergeCustomers'}) RETURN e.actor AS actor, "
        "e.arguments AS arguments ORDER BY arguments"
    )  # fmt: skip
    assert entries == [
        {"actor": "cli", "arguments": '{"from":["d2","d3"],"into":"d1"}'},
        {"actor": "cli", "arguments": '{"from":["d5"],"into":"d4"}'},
    ]
    bad = await cli("merge-duplicates", "--by", "shoe size")
    assert bad.returncode == 1 and "--by: shoe size is not one of" in bad.stderr
