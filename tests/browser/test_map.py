"""The map page and GraphiQL in a real browser: Debian's chromium (installed by scripts/bootstrap,
never downloaded) driven by Playwright, against `c360 serve` in a subprocess on the test Neo4j
filled with the shop (tests/api/conftest.py).

The machine's network is closed and the pages must not need it: every request to another host
than the server is refused and recorded, and the test fails if there was any. A screenshot of
the map is kept in the test's tmp dir and copied to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, Route, async_playwright

from core.settings import Settings
from graph.db import Graph
from tests.api.conftest import SHOP
from tests.api.test_serve_cli import C360
from tests.conftest import serving

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)[:/]")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: run scripts/bootstrap"
)

# customerMap(c1) on the shop: c1, its tags, stages, interactions and the products; then
# similarCustomers(c1) adds c2. Clicking c2 adds c2's stage and interactions.
C1_MAP = {"c1", "t-gold", "t-vip", "LOYAL", "NEW", "i1", "i2", "i3", "i4", "i5", "p1", "p2", "p3"}
C1_DRAWN = C1_MAP | {"c2"}
C2_DRAWN = C1_DRAWN | {"ACTIVE", "i6", "i7"}


def mint_token() -> str | None:
    """An admin token from `c360 token --role admin`, or None where that command does not
    exist (a server without authentication)."""
    if subprocess.run([str(C360), "token", "--help"], capture_output=True).returncode != 0:
        return None
    minted = subprocess.run(
        [str(C360), "token", "--role", "admin"], capture_output=True, text=True, check=True
    )
    return minted.stdout.strip().splitlines()[-1].strip()


@pytest.fixture
async def server(graph: Graph, settings: Settings) -> AsyncIterator[str]:
    await graph.run_text("tests/shop", SHOP, write=True)
    await graph.write("customers/name_keys")  # as `c360 migrate` does for graphs written in Cypher
    with serving() as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


class Watched:
    """A page whose console errors, uncaught exceptions and off-machine requests are kept."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    async def refuse_outside(self, route: Route) -> None:
        if LOCAL.match(route.request.url) or route.request.url.startswith("data:"):
            await route.continue_()
        else:
            self.outside.append(route.request.url)
            await route.abort()

    @classmethod
    async def open(cls, browser: Browser) -> Watched:
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        watched = cls(await context.new_page())
        await context.route("**/*", watched.refuse_outside)
        return watched


async def drawn(page: Page) -> set[str]:
    ids: list[str] = await page.evaluate("c360map.cy.nodes().map((n) => n.id())")
    return set(ids)


async def wait_for_nodes(page: Page, count: int) -> None:
    await page.wait_for_function(
        "(n) => Number(document.getElementById('stats').dataset.nodes || 0) >= n",
        arg=count,
        timeout=15_000,
    )


async def click_node(page: Page, node_id: str) -> None:
    """A real mouse click where cytoscape drew the node."""
    where = await page.evaluate(
        """(id) => {
             const node = c360map.cy.getElementById(id);
             const box = c360map.cy.container().getBoundingClientRect();
             const p = node.renderedPosition();
             return {x: box.left + p.x, y: box.top + p.y};
           }""",
        node_id,
    )
    await page.mouse.click(where["x"], where["y"])


def keep(screenshot: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(screenshot, ARTIFACTS / screenshot.name)


async def test_the_map_draws_a_customer_and_expands_a_click(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    token = mint_token()
    watched = await Watched.open(browser)
    page = watched.page
    await page.goto(f"{server}/map/" + (f"#token={quote(token)}" if token else ""))
    assert await page.title() == "c360 customer map"
    if token:  # taken from the fragment, kept, and out of the address bar
        assert await page.evaluate("localStorage.getItem('c360.token')") == token
        assert "token=" not in page.url
    # The search box suggests customers as one types (searchCustomers): by a part of the name.
    await page.type("#customer", "lic")
    await page.wait_for_selector("#customers option[value='c1']", state="attached")
    assert await page.get_attribute("#customers option[value='c1']", "label") == (
        "Alice · +8613812345678"
    )
    await page.fill("#customer", "138 1234 5678")  # Alice's phone, as people type it
    await page.click("#show")
    await wait_for_nodes(page, len(C1_DRAWN))
    assert await drawn(page) == C1_DRAWN
    labels = await page.evaluate(
        "Object.fromEntries(c360map.cy.nodes().map((n) => [n.id(), n.data('label')]))"
    )
    assert labels["c1"] == labels["c2"] == "Customer"
    assert (labels["t-vip"], labels["p1"], labels["i1"]) == ("Tag", "Product", "Interaction")
    colours = await page.evaluate(
        "['c1', 't-vip', 'p1', 'i1', 'LOYAL'].map("
        "(id) => c360map.cy.getElementById(id).style('background-color'))"
    )
    assert len(set(colours)) == 5  # one colour per label
    assert await page.inner_text("#similar") == "Bob (c2) 0.50"
    assert await page.is_hidden("#errors")
    # Beside the drawing: the customer's history, newest first (Customer.timeline).
    await page.wait_for_selector("#timeline li:nth-child(7)")
    assert await page.inner_text("#timeline-title") == "History of Alice (7)"
    history = await page.eval_on_selector_all(
        "#timeline li", "items => items.map(i => i.innerText)"
    )
    assert history[:2] == [
        "2025-03-05 00:00 PURCHASE Tea ¥10.50",
        "2025-03-05 00:00 Stage LOYAL entered",
    ]
    assert history[-1] == "2024-12-01 09:30 Stage NEW entered"
    assert await page.is_hidden("#timeline-more")

    await click_node(page, "c2")
    await wait_for_nodes(page, len(C2_DRAWN))
    assert await drawn(page) == C2_DRAWN
    assert await page.evaluate("[...c360map.expanded].sort()") == ["c1", "c2"]
    await page.wait_for_function(
        "document.getElementById('timeline-title').innerText === 'History of Bob (3)'"
    )
    assert (
        await page.inner_text("#stats")
        == f"{len(C2_DRAWN)} nodes · "
        + str(await page.evaluate("c360map.cy.edges().length"))
        + " edges"
    )

    screenshot = tmp_path / "map.png"
    await page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000
    keep(screenshot)
    assert watched.errors == []
    assert watched.outside == []

    # A GraphQL error is shown on the page, not only in the console.
    await page.fill("#customer", "nobody")
    await page.click("#show")
    await page.wait_for_selector("#errors:not([hidden])")
    assert await page.inner_text("#errors") == (
        "NOT_FOUND: customerId: customer not found: 'nobody'"
    )


async def test_a_bad_token_is_shown_on_the_map_page(server: str, browser: Browser) -> None:
    if mint_token() is None:
        pytest.skip("this server has no authentication yet (no `c360 token`)")
    watched = await Watched.open(browser)
    page = watched.page
    await page.goto(f"{server}/map/#token=not-a-jwt")
    await page.wait_for_selector("#errors:not([hidden])")
    assert "UNAUTHENTICATED" in await page.inner_text("#errors")
    assert watched.outside == []


async def test_graphiql_loads_offline_and_runs_a_query(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    token = mint_token()
    watched = await Watched.open(browser)
    page = watched.page
    query = '{ customer(id: "c1") { name city } }'
    address = f"{server}/graphql?q={quote(query)}"
    if token:
        address += "&headers=" + quote(json.dumps({"Authorization": f"Bearer {token}"}))
    await page.goto(address)
    await page.click(".graphiql-execute-button", timeout=20_000)
    await page.wait_for_function(
        "document.querySelector('.graphiql-response')?.innerText.includes('Shanghai')",
        timeout=15_000,
    )
    response = await page.inner_text(".graphiql-response")
    assert '"name": "Alice"' in response
    await page.screenshot(path=str(tmp_path / "graphiql.png"))
    keep(tmp_path / "graphiql.png")
    assert watched.outside == []  # GraphiQL's scripts and styles came from /vendor
    vendor = await page.evaluate(
        "[...document.scripts].map((s) => s.src).filter((src) => src.includes('/vendor/'))"
    )
    assert any("graphiql" in src for src in vendor)


async def test_graphiql_opens_signed_in_from_a_token_link(server: str, browser: Browser) -> None:
    """GraphiQL introspects as it opens: with `#token=` (what `c360 serve` prints), that first
    request carries the token, so the docs and autocomplete work without a refetch."""
    token = mint_token()
    assert token is not None
    watched = await Watched.open(browser)
    page = watched.page
    sent: list[str | None] = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.headers.get("authorization"))
            if request.url.endswith("/graphql") and request.method == "POST"
            else None
        ),
    )
    await page.goto(f"{server}/graphql#token={token}")
    await page.click(
        ".graphiql-un-styled[aria-label='Show Documentation Explorer']", timeout=20_000
    )
    await page.wait_for_selector(".graphiql-doc-explorer-root-type", timeout=15_000)
    assert sent and sent[0] == f"Bearer {token}"  # the first introspection
    assert "#token" not in page.url  # taken out of the address bar and the history
    assert "Error fetching schema" not in await page.inner_text("body")
    # the token stays for the next visit (the map page keeps it in the same place)
    assert await page.evaluate("localStorage.getItem('c360.token')") == token
    assert watched.outside == []
