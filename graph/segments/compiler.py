"""Compile a `Definition` into one parameterised Cypher query over customers `c`.

Three steps, as in neo4j/graphql: the validated `Definition` becomes a tree of condition nodes
(`conditions`), each node renders its own Cypher fragment, and a shared `Params` hands out
`$p0`, `$p1`, ... in rendering order, so the same definition always gives the same text. No user
value is ever part of the text: labels, relationship types, property names and the interaction
type `PURCHASE` come from the fixed vocabulary below; values are parameters, and the moment of
evaluation is `$asOf`.

Shape of the query (`CompiledSegment.match`):

    CALL () { ... RETURN collect(b) AS s0 }   -- one per tag, stage, product or interaction
    CALL () { ... RETURN collect(b) AS s1 }   --   condition: the set of customers meeting it
    UNWIND <the smallest positive top-level set> AS c   -- or MATCH (c:Customer) when none
    WITH *
    WHERE <every top-level condition, ANDed: `c IN s0`, `NOT c IN s1`, c.city IN $p2, ...>

Why sets (measured in docs/benchmarks.md, 100k customers, 1.5M interactions): checking an
interaction condition customer by customer expands every interaction of every candidate
(~15 per customer, 1.5M rows for everyone), while the set starts from the `(type,
occurredAt)` or `occurredAt` index on Interaction and reads only the interactions inside the
window, grouped by customer. A tag's set walks down from the tag (unique name index) through
its subtree to its holders once, instead of walking up from every customer's tags. `c IN sN`
on a list held in a variable is a hash lookup in Neo4j's runtime (the list is cached as a
set), so `NOT`, `OR` and nesting cost one lookup per candidate. Attribute and age conditions
stay plain predicates, so with no positive set the planner starts from their indexes.

Sets only ever hold customers a condition is true for; conditions that hold for customers
without any matching interaction (`maxTotalSpend` >= 0, `minTotalSpend` <= 0,
`noPurchaseWithinDays`) are the negation of a set of the customers they fail for. Leaves whose
Cypher can be null (a missing property) are wrapped in `coalesce(..., false)` under `NOT`, so
"not in Shanghai" includes customers without a city, as the reference semantics say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graph.segments.definition import Definition

# Customer properties a condition may filter on (never taken from user text).
ATTRIBUTES = {"cities": "city", "regions": "region", "genders": "gender"}


@dataclass
class Params:
    """Hands out `$p0`, `$p1`, ... for values; `$asOf` for the moment of evaluation; `s0`,
    `s1`, ... for the customer sets computed before the main MATCH (`sets` holds their
    `CALL` subqueries in order)."""

    values: dict[str, Any] = field(default_factory=dict)
    uses_as_of: bool = False
    sets: list[str] = field(default_factory=list)

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = list(value) if isinstance(value, tuple) else value
        return f"${name}"

    def as_of(self) -> str:
        self.uses_as_of = True
        return "$asOf"

    def customer_set(self, body: str) -> str:
        """A `CALL` subquery whose `body` binds each member to `b` once and ends in
        `RETURN collect(...)`; its result is a list variable, whose name is returned."""
        name = f"s{len(self.sets)}"
        self.sets.append(f"CALL () {{\n  {body} AS {name}\n}}")
        return name


class Node:
    """A condition on the customer `c` that renders itself as a Cypher boolean expression."""

    nullable = False  # True when the expression can be null (missing property)

    def render(self, p: Params) -> str:
        raise NotImplementedError


class SetNode(Node):
    """A condition decided by a set of customers computed once (`Params.customer_set`):
    `c IN sN`, or `NOT c IN sN` when the set holds the customers it fails for."""

    def membership(self, p: Params) -> tuple[str, bool]:
        """(set variable, True when members meet the condition, False when they fail it)."""
        raise NotImplementedError

    def render(self, p: Params) -> str:
        return self.render_top(p)[0]

    def render_top(self, p: Params) -> tuple[str, str | None]:
        """The expression, and the set variable when it is a positive membership (a
        candidate to start from)."""
        name, positive = self.membership(p)
        return (f"c IN {name}", name) if positive else (f"NOT c IN {name}", None)


# `b` carries no label here or below: HAS_TAG, IN_STAGE and HAD always start at a Customer
# (the graph model), and checking the label costs a db hit per row.
TAG_PATHS = "MATCH (b)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(t:Tag)"


@dataclass(frozen=True)
class Tags(SetNode):
    """`mode` all/any/none: the customer holds (every / some / none of) the tags or a tag below.

    The set: holders of any tag in the named tags' subtrees, found from the tags (a unique
    name index) down; for `all`, those reaching every named tag."""

    mode: str
    names: tuple[str, ...]

    def membership(self, p: Params) -> tuple[str, bool]:
        names = p(self.names)
        if self.mode == "all" and len(self.names) > 1:
            body = (
                f"{TAG_PATHS}\n  WHERE t.name IN {names}\n"
                f"  WITH b, count(DISTINCT t.name) AS found WHERE found = size({names})\n"
                "  RETURN collect(b)"
            )
        else:
            body = f"{TAG_PATHS}\n  WHERE t.name IN {names}\n  RETURN collect(DISTINCT b)"
        return p.customer_set(body), self.mode != "none"


@dataclass(frozen=True)
class Stages(SetNode):
    stages: tuple[str, ...]

    def membership(self, p: Params) -> tuple[str, bool]:
        body = (
            "MATCH (b)-[:IN_STAGE]->(s:LifecycleStage)\n"
            f"  WHERE s.name IN {p([str(s) for s in self.stages])}\n"
            "  RETURN collect(DISTINCT b)"
        )
        return p.customer_set(body), True


@dataclass(frozen=True)
class Attribute(Node):
    prop: str  # from ATTRIBUTES only
    values: tuple[str, ...]
    nullable = True

    def render(self, p: Params) -> str:
        assert self.prop in ATTRIBUTES.values()
        return f"c.{self.prop} IN {p(self.values)}"


@dataclass(frozen=True)
class CustomField(Node):
    """A custom field, as text, is one of the values (its key is a parameter too: the property
    is read by name, `c[$p]`, since custom fields are anyone's; no index serves them)."""

    key: str
    values: tuple[str, ...]
    nullable = True

    def render(self, p: Params) -> str:
        return f"toString(c[{p(self.key)}]) IN {p(self.values)}"


@dataclass(frozen=True)
class Age(Node):
    """Whole years on the (UTC) date of asOf: age >= n  <=>  birthDate <= asOf - n years."""

    years: int
    at_least: bool
    nullable = True

    def render(self, p: Params) -> str:
        day = f"date({p.as_of()})"
        if self.at_least:
            return f"c.birthDate <= {day} - duration({{years: {p(self.years)}}})"
        return f"c.birthDate > {day} - duration({{years: {p(self.years)} + 1}})"


@dataclass(frozen=True)
class Purchased(SetNode):
    """A PURCHASE (up to asOf) of any / every one of the products: from the products (a
    unique id index) back through their interactions to the buyers.

    The interactions are taken from the products in a list (`[(pr)<-[:ABOUT]-(x) | x]`) and
    filtered afterwards: given `i.type = 'PURCHASE'` in the MATCH itself, the planner seeks the
    `(type, occurredAt)` index for every purchase up to asOf (all of them) instead (measured:
    2.0M db hits against 0.6M for the 15 products of a category)."""

    product_ids: tuple[str, ...]
    every: bool

    def membership(self, p: Params) -> tuple[str, bool]:
        ids = p(self.product_ids)
        match = (
            f"MATCH (pr:Product) WHERE pr.id IN {ids}\n"
            "  UNWIND [(pr)<-[:ABOUT]-(x) | x] AS i\n"
            "  MATCH (b)-[:HAD]->(i)\n"
            f"  WHERE i:Interaction AND i.type = 'PURCHASE' AND i.occurredAt <= {p.as_of()}\n"
        )
        if self.every and len(self.product_ids) > 1:
            body = (
                match + f"  WITH b, count(DISTINCT pr.id) AS found WHERE found = size({ids})\n"
                "  RETURN collect(b)"
            )
        else:
            body = match + "  RETURN collect(DISTINCT b)"
        return p.customer_set(body), True


def _window(p: Params, days: int | None, start: str = ">=") -> str:
    """occurredAt in [asOf - days, asOf] (`start` '>': (asOf - days, asOf]), or up to asOf
    when no window."""
    as_of = p.as_of()
    if days is None:
        return f"i.occurredAt <= {as_of}"
    return (
        f"i.occurredAt {start} {as_of} - duration({{days: {p(days)}}}) AND i.occurredAt <= {as_of}"
    )


def _interactions(where: str) -> str:
    """Interactions in a window, with their customer `b`: starts from the index on
    Interaction `(type, occurredAt)` (or `occurredAt` when no type is given). `b` carries no
    label: `HAD` always starts at a Customer (the graph model), and checking the label would
    cost a db hit per interaction read (a third of the all-time spend's)."""
    return f"MATCH (b)-[:HAD]->(i:Interaction)\n  WHERE {where}\n"


@dataclass(frozen=True)
class PurchaseCount(SetNode):
    at_least: int
    days: int | None

    def render_top(self, p: Params) -> tuple[str, str | None]:
        if self.at_least <= 0:  # every customer has at least 0
            return "true", None
        return super().render_top(p)

    def membership(self, p: Params) -> tuple[str, bool]:
        body = _interactions(f"i.type = 'PURCHASE' AND {_window(p, self.days)}") + (
            f"  WITH b, count(*) AS found WHERE found >= {p(self.at_least)}\n  RETURN collect(b)"
        )
        return p.customer_set(body), True


@dataclass(frozen=True)
class Spend(SetNode):
    """Sum of PURCHASE amounts in the window (0 when none) >= or <= the bound.

    Customers without a purchase in the window have 0: when 0 meets the condition, the set
    holds the buyers who fail it (and the condition is its negation)."""

    bound: float
    at_least: bool
    days: int | None

    def membership(self, p: Params) -> tuple[str, bool]:
        zero_meets = self.bound <= 0 if self.at_least else self.bound >= 0
        op = {(True, True): "<", (True, False): ">=", (False, True): ">", (False, False): "<="}[
            (self.at_least, zero_meets)
        ]
        if self.days is None:
            body = self._all_time(p, op, p(self.bound))
        else:
            body = _interactions(f"i.type = 'PURCHASE' AND {_window(p, self.days)}") + (
                "  WITH b, sum(coalesce(i.amount, 0.0)) AS spend "
                f"WHERE spend {op} {p(self.bound)}\n"
                "  RETURN collect(b)"
            )
        return p.customer_set(body), not zero_meets

    @staticmethod
    def _all_time(p: Params, op: str, bound: str) -> str:
        """Every purchase up to asOf. A customer whose last purchase is up to asOf (nearly all
        when asOf is now) is judged by the stored total (cypher/customers/purchase_totals.cypher)
        instead of reading all 359 k purchases of a 100 k graph; only customers with purchases
        after asOf are counted from their interactions."""
        as_of = p.as_of()
        stored = f"b.lastPurchaseAt <= {as_of} AND b.purchaseTotal {op} {bound}"
        return (
            "CALL () {\n"
            f"    MATCH (b:Customer) WHERE {stored}\n"
            "    RETURN b\n"
            "    UNION\n"
            "    MATCH (b)-[:HAD]->(later:Interaction)\n"
            f"    WHERE later.type = 'PURCHASE' AND later.occurredAt > {as_of}\n"
            "    WITH DISTINCT b\n"
            "    MATCH (b)-[:HAD]->(i:Interaction)\n"
            f"    WHERE i.type = 'PURCHASE' AND i.occurredAt <= {as_of}\n"
            f"    WITH b, sum(coalesce(i.amount, 0.0)) AS spend WHERE spend {op} {bound}\n"
            "    RETURN b\n"
            "  }\n"
            "  RETURN collect(b)"
        )


@dataclass(frozen=True)
class Interactions(SetNode):
    types: tuple[str, ...] | None
    at_least: int
    days: int | None

    def render_top(self, p: Params) -> tuple[str, str | None]:
        if self.at_least <= 0:  # every customer has at least 0
            return "true", None
        return super().render_top(p)

    def membership(self, p: Params) -> tuple[str, bool]:
        typed = "" if self.types is None else f"i.type IN {p([str(t) for t in self.types])} AND "
        body = _interactions(typed + _window(p, self.days)) + (
            f"  WITH b, count(*) AS found WHERE found >= {p(self.at_least)}\n  RETURN collect(b)"
        )
        return p.customer_set(body), True


@dataclass(frozen=True)
class NoPurchase(SetNode):
    """No PURCHASE in (asOf - days, asOf]: not among that window's buyers."""

    days: int

    def membership(self, p: Params) -> tuple[str, bool]:
        where = f"i.type = 'PURCHASE' AND {_window(p, self.days, start='>')}"
        body = _interactions(where) + "  RETURN collect(DISTINCT b)"
        return p.customer_set(body), False


@dataclass(frozen=True)
class FirstPurchase(SetNode):
    """Extension: the first PURCHASE up to asOf is in [asOf - days, asOf]: a buyer of that
    window (from the index) with no purchase before it."""

    days: int

    def membership(self, p: Params) -> tuple[str, bool]:
        since = f"{p.as_of()} - duration({{days: {p(self.days)}}})"
        body = _interactions(f"i.type = 'PURCHASE' AND {_window(p, self.days)}") + (
            "  WITH DISTINCT b\n"
            "  WHERE NOT EXISTS { (b)-[:HAD]->(j:Interaction) "
            f"WHERE j.type = 'PURCHASE' AND j.occurredAt < {since} }}\n"
            "  RETURN collect(b)"
        )
        return p.customer_set(body), True


# The RFM score at asOf (docs/tags.md): recency of the last PURCHASE, frequency and monetary
# value of the PURCHASEs of the 365 days up to asOf, each scored 0..5 on fixed bands.
RFM_SCORE = """
  WITH b, duration.inDays(max(i.occurredAt), {as_of}).days AS days, count(*) AS purchases,
       sum(coalesce(i.amount, 0.0)) AS spend
  WITH b,
       CASE WHEN days <= 30 THEN 5 WHEN days <= 60 THEN 4 WHEN days <= 90 THEN 3
            WHEN days <= 180 THEN 2 ELSE 1 END
     + CASE WHEN purchases >= 12 THEN 5 WHEN purchases >= 6 THEN 4 WHEN purchases >= 3 THEN 3
            WHEN purchases >= 2 THEN 2 ELSE 1 END
     + CASE WHEN spend >= 20000 THEN 5 WHEN spend >= 8000 THEN 4 WHEN spend >= 3000 THEN 3
            WHEN spend >= 1000 THEN 2 WHEN spend > 0 THEN 1 ELSE 0 END AS score
""".strip("\n")


@dataclass(frozen=True)
class Rfm(SetNode):
    """Extension: the RFM score at asOf within [low, high]. Customers without a purchase in
    the 365 days score 0: when 0 is in range, the set holds the buyers out of range."""

    low: int
    high: int

    def membership(self, p: Params) -> tuple[str, bool]:
        zero_meets = self.low <= 0
        low, high = p(self.low), p(self.high)
        test = f"score < {low} OR score > {high}" if zero_meets else f"{low} <= score <= {high}"
        body = (
            _interactions(f"i.type = 'PURCHASE' AND {_window(p, 365)}")
            + RFM_SCORE.format(as_of=p.as_of())
            + f"\n  WHERE {test}\n  RETURN collect(b)"
        )
        return p.customer_set(body), not zero_meets


@dataclass(frozen=True)
class CategoryViews(SetNode):
    """Extension: at least `at_least` VIEWs of products of the categories in the window: from
    the products (category index) back through their interactions, as in `Purchased`."""

    categories: tuple[str, ...]
    at_least: int
    days: int | None

    def membership(self, p: Params) -> tuple[str, bool]:
        body = (
            f"MATCH (pr:Product) WHERE pr.category IN {p(self.categories)}\n"
            "  UNWIND [(pr)<-[:ABOUT]-(x) | x] AS i\n"
            "  MATCH (b)-[:HAD]->(i)\n"
            f"  WHERE i:Interaction AND i.type = 'VIEW' AND {_window(p, self.days)}\n"
            f"  WITH b, count(*) AS found WHERE found >= {p(self.at_least)}\n"
            "  RETURN collect(b)"
        )
        return p.customer_set(body), True


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        return any(child.nullable for child in self.children)

    def render(self, p: Params) -> str:
        if not self.children:
            return "true"
        if len(self.children) == 1:
            return self.children[0].render(p)
        return "(" + " AND ".join(child.render(p) for child in self.children) + ")"


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        return any(child.nullable for child in self.children)

    def render(self, p: Params) -> str:
        if len(self.children) == 1:
            return self.children[0].render(p)
        return "(" + " OR ".join(child.render(p) for child in self.children) + ")"


@dataclass(frozen=True)
class Not(Node):
    child: Node

    def render(self, p: Params) -> str:
        inner = self.child.render(p)
        return f"NOT coalesce({inner}, false)" if self.child.nullable else f"NOT {inner}"


def conditions(d: Definition) -> list[Node]:
    """The definition's conditions (all must hold), in the contract's field order."""
    out: list[Node] = []
    for mode, names in (("all", d.all_tags), ("any", d.any_tags), ("none", d.none_tags)):
        if names:
            out.append(Tags(mode, names))
    if d.stages:
        out.append(Stages(tuple(str(s) for s in d.stages)))
    for key, prop in ATTRIBUTES.items():
        values: tuple[str, ...] | None = getattr(d, key)
        if values:
            out.append(Attribute(prop, values))
    for condition in d.fields or ():
        out.append(CustomField(condition.key, condition.values))
    if d.min_age is not None:
        out.append(Age(d.min_age, at_least=True))
    if d.max_age is not None:
        out.append(Age(d.max_age, at_least=False))
    if d.purchased_any_products:
        out.append(Purchased(d.purchased_any_products, every=False))
    if d.purchased_all_products:
        out.append(Purchased(d.purchased_all_products, every=True))
    if d.min_purchase_count is not None:
        out.append(PurchaseCount(d.min_purchase_count, d.within_days))
    if d.min_total_spend is not None:
        out.append(Spend(d.min_total_spend, at_least=True, days=d.within_days))
    if d.max_total_spend is not None:
        out.append(Spend(d.max_total_spend, at_least=False, days=d.within_days))
    if d.interaction_types is not None or d.min_interactions is not None:
        types = None if d.interaction_types is None else tuple(map(str, d.interaction_types))
        minimum = 1 if d.min_interactions is None else d.min_interactions
        out.append(Interactions(types, minimum, d.within_days))
    if d.no_purchase_within_days is not None:
        out.append(NoPurchase(d.no_purchase_within_days))
    if d.first_purchase_within_days is not None:
        out.append(FirstPurchase(d.first_purchase_within_days))
    if d.min_rfm_score is not None or d.max_rfm_score is not None:
        low = 0 if d.min_rfm_score is None else d.min_rfm_score
        out.append(Rfm(low, 15 if d.max_rfm_score is None else d.max_rfm_score))
    if d.viewed_categories:
        views = 1 if d.min_category_views is None else d.min_category_views
        out.append(CategoryViews(d.viewed_categories, views, d.within_days))
    if d.and_:
        out.append(And(tuple(And(tuple(conditions(child))) for child in d.and_)))
    if d.or_:
        out.append(Or(tuple(And(tuple(conditions(child))) for child in d.or_)))
    if d.not_ is not None:
        out.append(Not(And(tuple(conditions(d.not_)))))
    return out


def _top_level(nodes: list[Node]) -> list[Node]:
    """The conditions that must all hold, with nested `and`s flattened into them."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, And):
            out += _top_level(list(node.children))
        else:
            out.append(node)
    return out


def _start(candidates: list[str]) -> str:
    """Where the members come from: the smallest set every member must be in (picked when the
    query runs), or every customer (attribute indexes can still serve the WHERE)."""
    if not candidates:
        return "MATCH (c:Customer)"
    first, *others = candidates
    if not others:
        return f"UNWIND {first} AS c\nWITH *"
    smallest = (
        f"reduce(m = {first}, s IN [{', '.join(others)}] | "
        "CASE WHEN size(s) < size(m) THEN s ELSE m END)"
    )
    return f"UNWIND {smallest} AS c\nWITH *"


@dataclass(frozen=True)
class CompiledSegment:
    """`match` binds the members to `c`; `params` hold every value (and `asOf` when used).
    The page query also needs `page_params(after, limit)`."""

    match: str
    params: dict[str, Any]

    def page_params(self, after: str, limit: int) -> dict[str, Any]:
        return {"after": after, "limit": limit}

    @property
    def count_query(self) -> str:
        """How many members (column `total`): what segmentPreview shows analysts."""
        return f"{self.match}\nRETURN count(c) AS total"

    @property
    def page_query(self) -> str:
        """Members by id after `$after` ('' for the first page), `$limit` of them, and the
        total: the shape of the API's paged loaders (`rows` of `{key, node}`, `total`)."""
        return (
            f"{self.match}\nWITH collect(c) AS members\n"
            f"RETURN size(members) AS total, {_rows('$after', '$limit')} AS rows"
        )

    @property
    def ids_query(self) -> str:
        """Every member's id as one list (column `ids`), in no particular order: what a
        snapshot links."""
        return f"{self.match}\nRETURN collect(c.id) AS ids"

    @property
    def export_query(self) -> str:
        """Every member's properties, by id (streamed by `c360 segment export`)."""
        return f"{self.match}\nRETURN c {{.*}} AS customer ORDER BY c.id"

    def with_prefix(self, prefix: str) -> CompiledSegment:
        """The same query with every parameter renamed `<prefix><name>`, so several segments
        can share one statement (`UNION ALL`: variables are local to each branch, parameters
        are not). Only the compiler writes `$` into the text, so renaming is exact."""
        if not self.params:
            return self
        names = "|".join(sorted(map(re.escape, self.params), key=len, reverse=True))
        match = re.sub(rf"\$({names})\b", lambda m: f"${prefix}{m.group(1)}", self.match)
        return CompiledSegment(match, {prefix + name: v for name, v in self.params.items()})

    def branch(self, key: int, pages: list[tuple[str, str]]) -> str:
        """This segment's part of a `UNION ALL` of several: columns `key`, `total` and
        `pages`, one list of rows per (after, limit) parameter pair in `pages`."""
        if not pages:
            return f"{self.match}\nRETURN {key:d} AS key, count(c) AS total, [] AS pages"
        rows = ", ".join(_rows(after, limit) for after, limit in pages)
        return (
            f"{self.match}\nWITH collect(c) AS members\n"
            f"RETURN {key:d} AS key, size(members) AS total, [{rows}] AS pages"
        )


def _rows(after: str, limit: str) -> str:
    """A page of `members` by id after the parameter `after`, `limit` of them."""
    return (
        "COLLECT {\n"
        f"  UNWIND members AS m WITH m WHERE m.id > {after}\n"
        f"  RETURN {{key: [m.id], node: m {{.*}}}} AS row ORDER BY m.id LIMIT {limit}\n"
        "}"
    )


def compile_segment(definition: Definition, as_of: datetime) -> CompiledSegment:
    """One query for the definition; the text depends on the definition only."""
    p = Params()
    where: list[str] = []
    candidates: list[str] = []
    for node in _top_level(conditions(definition)):
        if isinstance(node, SetNode):
            text, positive = node.render_top(p)
            if positive is not None:
                candidates.append(positive)
        else:
            text = node.render(p)
        if text != "true":
            where.append(text)
    if len(candidates) == 1:  # every member comes from that set: no need to look it up
        where.remove(f"c IN {candidates[0]}")
    match = "\n".join([*p.sets, _start(candidates)])
    text = match + ("\nWHERE " + "\n  AND ".join(where) if where else "")
    params = dict(p.values)
    if p.uses_as_of:
        params["asOf"] = as_of
    return CompiledSegment(text, params)
