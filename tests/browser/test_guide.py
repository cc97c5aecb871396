"""The analytics library as a Neo4j Browser guide, end to end: `c360 serve` (on the test Neo4j
filled with the shop) serves `/guide/analytics`; the Neo4j Browser of the test Neo4j (the
local Neo4j's own, at its http port) signs in with the generated password, opens the guide with
`:play`, and runs a query's slide from its play icons: its `:param` blocks, then the query.
Debian's chromium driven by Playwright, as in test_map.py.

The machine's network is closed. The guide and everything c360 serves stay on 127.0.0.1; Neo4j
Browser itself reaches for a few hosts of its own (BROWSER_OWN_HOSTS): those requests are
refused and recorded like any other, and the test fails on any other off-machine request.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Locator, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from graph.analytics.library import library
from graph.db import Graph
from graph.local.instance import LocalNeo4j
from tests.browser.test_map import (  # noqa: F401 (fixtures)
    Watched,
    browser,
    keep,
    server,
)
from tests.conftest import Neo4jServer

# Neo4j Browser 5.24 asks for these on its own, whatever it shows: its web fonts
# (fonts.googleapis.com), product analytics (cdn.segment.com) and its feedback widget
# (canny.io) once connected (on Community whatever browser.allow_outgoing_connections says),
# and Sentry's performance tracing on a fifth of page loads (o110884.ingest.sentry.io). Refused,
# it falls back to local fonts and works on; none is the guide's doing.
BROWSER_OWN_HOSTS = {
    "fonts.googleapis.com",
    "cdn.segment.com",
    "canny.io",
    "o110884.ingest.sentry.io",
}
GUIDE_TITLE = "c360 analytics library"

# value_tiers by hand: each customer's purchase spend, for the buyers and the others. On the
# shop c1 spent 21 + 4 + 10.5 and c2 10.5, both below the 3000 of 中等价值客户; c3 never bought.
SPEND = """
MATCH (c:Customer)
OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
WITH c, count(i) > 0 AS bought, sum(i.amount) AS spend
RETURN bought, count(c) AS customers, sum(spend) AS spend, min(spend) AS low,
       max(spend) AS high,
       count(CASE WHEN EXISTS { (c)-[:HAS_TAG]->(:Tag {name: '低价值客户'}) } THEN 1 END)
         AS tagged
ORDER BY bought DESC
"""


def shown(value: object) -> str:
    """A value as the Browser's result table shows it."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)  # 2, 46.0, 10.5


async def expected_value_tiers(graph: Graph) -> list[list[str]]:
    buyers, others = await graph.run_text("tests/spend", SPEND)
    assert buyers["bought"] and not others["bought"]
    assert buyers["high"] < 3000  # every buyer is 低价值客户 at the guide's defaults
    rows: list[list[object]] = [
        [
            "低价值客户",
            buyers["customers"],
            buyers["tagged"],
            round(buyers["spend"], 2),
            round(buyers["spend"] / buyers["customers"], 2),
            buyers["low"],
            buyers["high"],
        ],
        ["无消费", others["customers"], None, 0.0, 0.0, 0.0, 0.0],
    ]
    return [[shown(value) for value in row] for row in rows]


def frame_of(page: Page, command: str) -> Locator:
    """The newest frame of the stream whose command has `command` in it."""
    return page.locator(
        "[data-testid=frame]", has=page.locator("[data-testid=frameCommand]", has_text=command)
    ).first


async def run_in_editor(page: Page, command: str) -> None:
    await page.click(".monaco-editor")
    await page.keyboard.type(command)
    await page.keyboard.press("Control+Enter")


async def open_guide(chromium: Browser, neo4j: Neo4jServer, base: str) -> tuple[Watched, Locator]:
    """A page of the test Neo4j's Browser, signed in, playing the guide of the c360 server at
    `base` at its first slide; and the guide's slides (its carousel)."""
    local = LocalNeo4j(neo4j.home)
    if local.pid() is None:
        pytest.skip("the test Neo4j is not the local one (C360_TEST_NEO4J_URI): no Browser")
    watched = await Watched.open(chromium)
    page = watched.page
    await page.goto(local.status().browser_url)
    await page.fill("[data-testid=boltaddress]", urlsplit(neo4j.uri).netloc, timeout=30_000)
    await page.fill("[data-testid=username]", neo4j.user)
    await page.fill("[data-testid=password]", neo4j.password)
    await page.click("[data-testid=connect]")
    connected = frame_of(page, ":server connect").get_by_text(
        f"You are connected as user {neo4j.user}"
    )
    await connected.wait_for(timeout=20_000)

    # by `localhost`, as docs/analysts.md says: the Browser's default whitelist has it, while
    # 127.0.0.1 (in the local Neo4j's conf) counts only once the Browser has read the server's
    # settings, after connecting: a fresh Browser's first :play found "No guide by that name"
    guide_url = f"{base.replace('127.0.0.1', 'localhost')}/guide/analytics"
    await run_in_editor(page, f":play {guide_url}")
    frame = frame_of(page, f":play {guide_url}")
    await frame.wait_for(timeout=30_000)
    carousel = frame.locator("[data-testid=carousel]")
    title = carousel.get_by_role("heading", name=GUIDE_TITLE, exact=True)
    try:
        await title.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"the guide did not show; its frame says: {await frame.inner_text()!r}")
    slides = 1 + len(library())  # the opening slide, then one per query
    assert await carousel.get_by_text(f"1 / {slides}", exact=True).is_visible()
    return watched, carousel


async def run_slide(page: Page, carousel: Locator, name: str) -> tuple[list[str], list[list[str]]]:
    """Go to query `name`'s slide from its dot (slides follow the queries' names), set its
    parameters from their play icons (each shows a frame of its own), run the query from its
    play icon; the result table's columns and rows, as shown."""
    query = library()[name]
    number = 2 + sorted(library()).index(name)
    await carousel.locator(f"li[aria-label='{number}']").click()
    await carousel.get_by_role("heading", name=name, exact=True).wait_for()
    assert await carousel.get_by_text(f"{number} / {1 + len(library())}", exact=True).is_visible()

    blocks = carousel.locator("pre.runnable")
    assert await blocks.count() == len(query.parameters) + 1  # the :param blocks, the query
    for index, parameter in enumerate(query.parameters):
        assert (await blocks.nth(index).inner_text()).startswith(f":param {parameter.name} =")
        await blocks.nth(index).locator("i.fa-play-circle-o").click()
        param_set = frame_of(page, f":param {parameter.name}").get_by_text(
            f'"{parameter.name}": {json.dumps(parameter.default, ensure_ascii=False)}'
        )
        await param_set.wait_for(timeout=5_000)
    await blocks.last.locator("i.fa-play-circle-o").click()

    result = frame_of(page, query.body.splitlines()[0])
    error = result.locator("[data-testid=cypherFrameErrorMessage]")
    await result.locator("table").or_(error).wait_for(timeout=15_000)
    assert not await error.count(), await error.inner_text()
    table = result.locator("table")
    columns = await table.locator("th[role=columnheader]").all_inner_texts()
    rows = [
        await row.locator("td[role=cell]").all_inner_texts()
        for row in await table.locator("tbody tr").all()
    ]
    return columns, rows


async def test_the_guide_runs_a_library_query_in_neo4j_browser(
    server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    graph: Graph,
    neo4j_server: Neo4jServer,
    tmp_path: Path,
) -> None:
    expected = await expected_value_tiers(graph)
    watched, carousel = await open_guide(browser, neo4j_server, server)

    columns, rows = await run_slide(watched.page, carousel, "value_tiers")
    assert columns == [column.name for column in library()["value_tiers"].columns]
    assert rows == expected

    screenshot = tmp_path / "guide.png"  # the result frame (CJK shows as boxes: no such font)
    result = frame_of(watched.page, library()["value_tiers"].body.splitlines()[0])
    await result.screenshot(path=str(screenshot))
    keep(screenshot)
    # Browser logs each refused request as a console error; anything else is a real one.
    assert [e for e in watched.errors if "net::ERR_FAILED" not in e] == []
    assert {urlsplit(url).hostname for url in watched.outside} <= BROWSER_OWN_HOSTS


async def test_a_null_parameter_block_sets_its_parameter(
    server: str,  # noqa: F811
    browser: Browser,  # noqa: F811
    graph: Graph,
    neo4j_server: Neo4jServer,
) -> None:
    """Neo4j Browser 5.24 ignores a click on a runnable block whose text ends with " null"
    (neither runs it nor copies it to the editor; the query then failed with ParameterMissing):
    the guide writes null defaults as `NULL`."""
    tags = await graph.run_text("tests/tags", "MATCH (t:Tag) RETURN t.name AS name ORDER BY name")
    watched, carousel = await open_guide(browser, neo4j_server, server)
    assert library()["tag_distribution"].params({}) == {"category": None}

    columns, rows = await run_slide(watched.page, carousel, "tag_distribution")
    assert columns == [column.name for column in library()["tag_distribution"].columns]
    assert sorted(row[1] for row in rows) == [shown(tag["name"]) for tag in tags]
