"""The standard classes as a default tag rule set (`c360 rules install-defaults`).

Value tiers from an RFM score, purchase status from first and last purchase dates, and one
interest tag per product category from recent VIEWs; formulas in docs/tags.md. Installing
creates the tags that are missing (under 价值分层, 购买行为 and 兴趣偏好) and the rules that
are missing, by name: a rule edited or disabled afterwards is left as it is, so installing
again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.db import Graph
from graph.rules import tag_rules
from graph.segments import parse_definition
from graph.tags import taxonomy

PREFIX = "默认·"  # default rules' names start with this


@dataclass(frozen=True)
class DefaultRule:
    tag: str
    parent: str
    description: str
    definition: dict[str, Any]

    @property
    def name(self) -> str:
        return PREFIX + self.tag


PARENTS = {
    "价值分层": "按 RFM 评分划分的客户价值",
    "购买行为": "按首次与最近购买时间划分",
    "兴趣偏好": "按近期浏览记录推断的品类偏好",
}

FIXED = [
    DefaultRule("高价值客户", "价值分层", "RFM 评分 12-15", {"minRfmScore": 12}),
    DefaultRule("中等价值客户", "价值分层", "RFM 评分 7-11", {"minRfmScore": 7, "maxRfmScore": 11}),
    DefaultRule("低价值客户", "价值分层", "RFM 评分 1-6（一年内有购买）",
                {"minRfmScore": 1, "maxRfmScore": 6}),
    DefaultRule("新客户", "购买行为", "首次购买在 90 天内", {"firstPurchaseWithinDays": 90}),
    DefaultRule("活跃客户", "购买行为", "90 天内有购买，且首次购买早于 90 天",
                {"withinDays": 90, "minPurchaseCount": 1,
                 "not": {"firstPurchaseWithinDays": 90}}),
    DefaultRule("休眠客户", "购买行为", "有过购买，但 180 天内没有购买",
                {"minPurchaseCount": 1, "noPurchaseWithinDays": 180}),
]  # fmt: skip

INTEREST_DAYS = 90
INTEREST_VIEWS = 3


def interest_rule(category: str) -> DefaultRule:
    return DefaultRule(
        f"对{category}感兴趣",
        "兴趣偏好",
        f"{INTEREST_DAYS} 天内浏览{category}类商品至少 {INTEREST_VIEWS} 次",
        {"viewedCategories": [category], "withinDays": INTEREST_DAYS,
         "minCategoryViews": INTEREST_VIEWS},
    )  # fmt: skip


@dataclass
class Installed:
    tags_created: list[str] = field(default_factory=list)
    rules_created: list[str] = field(default_factory=list)
    rules_kept: list[str] = field(default_factory=list)


async def install(graph: Graph) -> Installed:
    """Create the missing default tags and rules; existing ones stay as they are."""
    categories = [row["category"] for row in await graph.read("rules/product_categories")]
    rules = FIXED + [interest_rule(category) for category in categories]
    report = Installed()
    wanted = {**{name: (None, text) for name, text in PARENTS.items()},
              **{r.tag: (r.parent, r.description) for r in rules}}  # fmt: skip
    found = await taxonomy.resolve(graph, list(wanted))
    for name, (parent, description) in wanted.items():  # parents come first
        if found.get(name) is None:
            await taxonomy.create_tag(
                graph, name=name, category=parent or name, description=description, parent=parent
            )
            report.tags_created.append(name)
    existing = {rule["name"] for rule in await tag_rules.all_rules(graph)}
    for rule in rules:
        if rule.name in existing:
            report.rules_kept.append(rule.name)
        else:
            await tag_rules.create(graph, rule.name, rule.tag, parse_definition(rule.definition))
            report.rules_created.append(rule.name)
    return report
