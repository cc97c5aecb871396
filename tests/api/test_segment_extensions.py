"""SegmentDefinition extensions (docs/tags.md) on the shop (tests/api/conftest.py), with
answers worked out by hand: first purchase, RFM score, category views.

Purchases: c1 on 2025-01-01 (21.0), 02-01 (4.0), 03-05 (10.5); c2 on 01-15 (10.5); c3 none.
c1 VIEWed p3 on 02-01 (made a 'pots' product here).
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.db import Graph
from tests.api.conftest import Api
from tests.api.test_segments import ids, preview


@pytest.fixture
async def pots(shop: Graph) -> Graph:
    await shop.run_text(
        "tests/pots", "MATCH (p:Product {id: 'p3'}) SET p.category = 'pots'", write=True
    )
    return shop


@pytest.mark.parametrize(
    ("definition", "members"),
    [
        ({"firstPurchaseWithinDays": 60}, ["c2"]),  # c1 first bought 68 days before
        ({"firstPurchaseWithinDays": 68}, ["c1", "c2"]),  # the window includes its start
        ({"firstPurchaseWithinDays": 67}, ["c2"]),
        # c1: last purchase 5 days ago (R 5), 3 purchases (F 3), 35.5 spent (M 1) = 9
        # c2: 54 days ago (R 4), 1 purchase (F 1), 10.5 (M 1) = 6;  c3: no purchase = 0
        ({"minRfmScore": 9}, ["c1"]),
        ({"minRfmScore": 10}, []),
        ({"maxRfmScore": 6}, ["c2", "c3"]),
        ({"minRfmScore": 6, "maxRfmScore": 6}, ["c2"]),
        ({"minRfmScore": 1, "maxRfmScore": 8}, ["c2"]),
        ({"viewedCategories": ["pots"]}, ["c1"]),
        ({"viewedCategories": ["pots", "cups"], "withinDays": 37}, ["c1"]),
        ({"viewedCategories": ["pots"], "withinDays": 36}, []),
        ({"viewedCategories": ["pots"], "minCategoryViews": 2}, []),
        ({"viewedCategories": ["drinks"]}, []),  # c1 bought drinks, never viewed them
        ({"not": {"viewedCategories": ["pots"]}, "maxRfmScore": 6}, ["c2", "c3"]),
    ],
)
async def test_extensions(
    api: Api, pots: Graph, definition: dict[str, Any], members: list[str]
) -> None:
    assert ids(await preview(api, definition)) == members


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"minRfmScore": 16}, "definition.minRfmScore: must be between 0 and 15, got 16"),
        ({"minRfmScore": 9, "maxRfmScore": 3}, "definition.maxRfmScore: must not be below "
         "minRfmScore (9)"),
        ({"minCategoryViews": 2}, "definition.minCategoryViews: applies to viewedCategories; "
         "give them"),
        ({"firstPurchaseWithinDays": 0}, "definition.firstPurchaseWithinDays: must be between "
         "1 and 36600, got 0"),
    ],
)  # fmt: skip
async def test_extension_errors(
    api: Api, shop: Graph, definition: dict[str, Any], message: str
) -> None:
    error = await api.error(
        "query ($d: SegmentDefinition!) { segmentPreview(definition: $d) { count } }", d=definition
    )
    assert error["message"] == message
