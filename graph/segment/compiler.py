"""Compile a `Definition` into one parameterised Cypher query over customers `c`.

Three steps, as in neo4j/graphql: the validated `Definition` becomes a tree of condition nodes
(`conditions`), each node renders its own Cypher fragment, and a shared `Params` hands out
`$p0`, `$p1`, ... in rendering order, so the same definition always gives the same text. No user
value is ever part of the text: labels, relationship types, property names and the interaction
type `PURCHASE` come from the fixed vocabulary below; values are parameters, and the moment of
evaluation is `$asOf`.

Shape of the query (`CompiledSegment.match`):

    MATCH <driver>            -- the first top-level condition that can start from an index
    [WITH DISTINCT c]         -- when the driver can reach a customer twice
    WHERE <the other top-level conditions, ANDed>

Tag conditions walk up from the customer's tags (`(c)-[:HAS_TAG]->()-[:CHILD_OF*0..]->(t)`), so
a tag's whole subtree counts without expanding it per customer. Interaction conditions are
`EXISTS`/`COUNT` subqueries per customer. Leaves whose Cypher can be null (a missing property)
are wrapped in `coalesce(..., false)` under `NOT`, so "not in Shanghai" includes customers
without a city, as the reference semantics say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graph.segment.definition import Definition

# Customer properties a condition may filter on (never taken from user text).
ATTRIBUTES = {"cities": "city", "regions": "region", "genders": "gender"}


@dataclass
class Params:
    """Hands out `$p0`, `$p1`, ... for values; `$asOf` for the moment of evaluation. A prefix
    (`s1_`) keeps the names of several segments apart in one query."""

    prefix: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    uses_as_of: bool = False

    def __call__(self, value: Any) -> str:
        name = f"{self.prefix}p{len(self.values)}"
        self.values[name] = list(value) if isinstance(value, tuple) else value
        return f"${name}"

    def as_of(self) -> str:
        self.uses_as_of = True
        return f"${self.prefix}asOf"


class Node:
    """A condition on the customer `c` that renders itself as a Cypher boolean expression."""

    nullable = False  # True when the expression can be null (missing property)

    def render(self, p: Params) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Tags(Node):
    """`mode` all/any/none: the customer holds (every / some / none of) the tags or a tag below."""

    mode: str
    names: tuple[str, ...]

    def _exists(self, names: str) -> str:
        return (
            "EXISTS { MATCH (c)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(t:Tag) "
            f"WHERE t.name IN {names} }}"
        )

    def render(self, p: Params) -> str:
        if self.mode == "any":
            return self._exists(p(self.names))
        if self.mode == "none":
            return "NOT " + self._exists(p(self.names))
        return " AND ".join(self._exists(p([name])) for name in self.names)


@dataclass(frozen=True)
class Stages(Node):
    stages: tuple[str, ...]

    def render(self, p: Params) -> str:
        return (
            "EXISTS { MATCH (c)-[:IN_STAGE]->(s:LifecycleStage) "
            f"WHERE s.name IN {p([str(s) for s in self.stages])} }}"
        )


@dataclass(frozen=True)
class Attribute(Node):
    prop: str  # from ATTRIBUTES only
    values: tuple[str, ...]
    nullable = True

    def render(self, p: Params) -> str:
        assert self.prop in ATTRIBUTES.values()
        return f"c.{self.prop} IN {p(self.values)}"


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


def _purchase_until(p: Params, var: str = "i") -> str:
    return f"{var}.type = 'PURCHASE' AND {var}.occurredAt <= {p.as_of()}"


@dataclass(frozen=True)
class Purchased(Node):
    product_ids: tuple[str, ...]
    every: bool

    def render(self, p: Params) -> str:
        if self.every:
            return (
                f"all(pid IN {p(self.product_ids)} WHERE EXISTS {{ "
                "MATCH (c)-[:HAD]->(i:Interaction)-[:ABOUT]->(:Product {id: pid}) "
                f"WHERE {_purchase_until(p)} }})"
            )
        return (
            "EXISTS { MATCH (c)-[:HAD]->(i:Interaction)-[:ABOUT]->(pr:Product) "
            f"WHERE pr.id IN {p(self.product_ids)} AND {_purchase_until(p)} }}"
        )


def _window(p: Params, days: int | None) -> str:
    """occurredAt in [asOf - days, asOf], or up to asOf when no window."""
    as_of = p.as_of()
    if days is None:
        return f"i.occurredAt <= {as_of}"
    return f"i.occurredAt >= {as_of} - duration({{days: {p(days)}}}) AND i.occurredAt <= {as_of}"


@dataclass(frozen=True)
class PurchaseCount(Node):
    at_least: int
    days: int | None

    def render(self, p: Params) -> str:
        where = f"i.type = 'PURCHASE' AND {_window(p, self.days)}"
        return f"COUNT {{ MATCH (c)-[:HAD]->(i:Interaction) WHERE {where} }} >= {p(self.at_least)}"


@dataclass(frozen=True)
class Spend(Node):
    """Sum of PURCHASE amounts in the window (0 when none) >= or <= the bound."""

    bound: float
    at_least: bool
    days: int | None

    def render(self, p: Params) -> str:
        where = f"i.type = 'PURCHASE' AND {_window(p, self.days)}"
        spend = (
            f"reduce(spend = 0.0, a IN [(c)-[:HAD]->(i:Interaction) WHERE {where} "
            "| coalesce(i.amount, 0.0)] | spend + a)"
        )
        return f"{spend} {'>=' if self.at_least else '<='} {p(self.bound)}"


@dataclass(frozen=True)
class Interactions(Node):
    types: tuple[str, ...] | None
    at_least: int
    days: int | None

    def render(self, p: Params) -> str:
        typed = "" if self.types is None else f"i.type IN {p([str(t) for t in self.types])} AND "
        where = typed + _window(p, self.days)
        return f"COUNT {{ MATCH (c)-[:HAD]->(i:Interaction) WHERE {where} }} >= {p(self.at_least)}"


@dataclass(frozen=True)
class NoPurchase(Node):
    days: int

    def render(self, p: Params) -> str:
        as_of = p.as_of()
        return (
            "NOT EXISTS { MATCH (c)-[:HAD]->(i:Interaction) WHERE i.type = 'PURCHASE' "
            f"AND i.occurredAt > {as_of} - duration({{days: {p(self.days)}}}) "
            f"AND i.occurredAt <= {as_of} }}"
        )


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
    if d.and_:
        out.append(And(tuple(And(tuple(conditions(child))) for child in d.and_)))
    if d.or_:
        out.append(Or(tuple(And(tuple(conditions(child))) for child in d.or_)))
    if d.not_ is not None:
        out.append(Not(And(tuple(conditions(d.not_)))))
    return out


def _driver(nodes: list[Node], p: Params) -> tuple[str, list[Node]]:
    """The MATCH to start from, and the conditions it leaves to check.

    Tags first (a tag name is a unique-index seek, then its subtree and holders), then
    purchased products (an id seek), then stages; otherwise all customers, where the planner
    can still use the city/region/gender/birthDate indexes for conditions in the WHERE.
    """
    for index, node in enumerate(nodes):
        rest = nodes[:index] + nodes[index + 1 :]
        if isinstance(node, Tags) and node.mode != "none":
            names, left = node.names, node.names[1:]
            if node.mode == "all":  # start from the first tag, check the others
                names = node.names[:1]
            match = (
                "MATCH (c:Customer)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(root:Tag)\n"
                f"WHERE root.name IN {p(names)}\nWITH DISTINCT c"
            )
            more: list[Node] = [Tags("all", left)] if node.mode == "all" and left else []
            return match, more + rest
    for index, node in enumerate(nodes):
        rest = nodes[:index] + nodes[index + 1 :]
        if isinstance(node, Purchased) and not node.every:
            match = (
                "MATCH (c:Customer)-[:HAD]->(i:Interaction)-[:ABOUT]->(pr:Product)\n"
                f"WHERE pr.id IN {p(node.product_ids)} AND {_purchase_until(p)}\n"
                "WITH DISTINCT c"
            )
            return match, rest
    for index, node in enumerate(nodes):
        rest = nodes[:index] + nodes[index + 1 :]
        if isinstance(node, Stages):
            match = (
                "MATCH (c:Customer)-[:IN_STAGE]->(s:LifecycleStage)\n"
                f"WHERE s.name IN {p(list(node.stages))}\nWITH DISTINCT c"
            )
            return match, rest
    return "MATCH (c:Customer)", nodes


@dataclass(frozen=True)
class CompiledSegment:
    """`match` binds the members to `c`; `params` hold every value (and `asOf` when used).
    The page query also needs `page_params(after, limit)`."""

    match: str
    params: dict[str, Any]
    prefix: str = ""

    def page_params(self, after: str, limit: int) -> dict[str, Any]:
        return {f"{self.prefix}after": after, f"{self.prefix}limit": limit}

    @property
    def count_query(self) -> str:
        return f"{self.match}\nRETURN count(c) AS count"

    @property
    def page_query(self) -> str:
        """Members by id after `$after` ('' for the first page), `$limit` of them, and the
        total: the shape of the API's paged loaders (`rows` of `{key, node}`, `total`)."""
        return self._page("RETURN size(members) AS total")

    def branch(self, key: int, page: bool) -> str:
        """This segment's part of a `UNION ALL` of several: columns `key`, `total`, `rows`."""
        if page:
            return self._page(f"RETURN {key:d} AS key, size(members) AS total")
        return f"{self.match}\nRETURN {key:d} AS key, count(c) AS total, [] AS rows"

    def _page(self, head: str) -> str:
        return (
            f"{self.match}\n"
            "WITH collect(c) AS members\n"
            f"{head}, COLLECT {{\n"
            f"  UNWIND members AS m WITH m WHERE m.id > ${self.prefix}after\n"
            "  RETURN {key: [m.id], node: m {.*}} AS row "
            f"ORDER BY m.id LIMIT ${self.prefix}limit\n"
            "} AS rows"
        )

    @property
    def export_query(self) -> str:
        """Every member's properties, by id (streamed by `c360 segment export`)."""
        return f"{self.match}\nRETURN c {{.*}} AS customer ORDER BY c.id"


def compile_segment(definition: Definition, as_of: datetime, prefix: str = "") -> CompiledSegment:
    """One query for the definition; the text depends on the definition (and prefix) only."""
    p = Params(prefix)
    match, rest = _driver(conditions(definition), p)
    where = [node.render(p) for node in rest]
    text = match + ("\nWHERE " + "\n  AND ".join(where) if where else "")
    params = dict(p.values)
    if p.uses_as_of:
        params[f"{prefix}asOf"] = as_of
    return CompiledSegment(text, params, prefix)
