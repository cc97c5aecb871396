"""The request's selection for the translator, and what a translated read already fetched.

`below(info)` walks the GraphQL document under the field being resolved, as graphql-core will
execute it: fragments spread, `@skip`/`@include` applied, fields of one response key merged,
arguments coerced with their defaults. Each field's arguments become its fragment's Cypher
parameters through the converters below (the same checks its resolver makes); a field whose
arguments fail them is left out, so its own resolver runs and reports the error at its path.

`graph_field` and `graph_page` are the other half: a field of an object that came from a
translated read finds its value in the parent's `_fetched` map under its response key;
anything else (a field with no fragment, a parent from a mutation or a traversal) goes to the
field's DataLoader, which runs the same fragment over every parent asking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_argument_values,
    get_named_type,
)
from graphql.execution.values import VariableValues
from graphql.language import DirectiveNode

from core.errors import BadUserInput
from core.settings import Settings
from graph.model import CUSTOMER_PROPERTIES
from graph.paging import Page, PageKey
from graph.translate.selection import Selection
from resolvers.context import Info
from resolvers.pagination import check_first, decode_cursor

MISSING: Any = object()
Converter = Callable[[dict[str, Any], Settings], dict[str, Any]]


def interactions_params(args: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Customer.interactions(first, after, types, since) as its fragment's parameters."""
    size = check_first(args.get("first"), settings)
    key = decode_cursor(args.get("after"), int, int, str)
    seconds, nanos, last_id = key if key else (None, None, None)
    types = args.get("types")
    return {
        "limit": size + 1,
        "afterSeconds": seconds,
        "afterNanos": nanos,
        "afterId": last_id,
        "types": None if types is None else sorted({t.value for t in types}),
        "since": args.get("since"),
    }


def timeline_params(args: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Customer.timeline(first, after, kinds) as its fragment's parameters."""
    size = check_first(args.get("first"), settings)
    key = decode_cursor(args.get("after"), int, int, int, str)
    seconds, nanos, rank, last_id = key if key else (None, None, None, None)
    kinds = args.get("kinds")
    return {
        "limit": size + 1,
        "afterSeconds": seconds,
        "afterNanos": nanos,
        "afterRank": rank,
        "afterId": last_id,
        "kinds": None if kinds is None else sorted({kind.value for kind in kinds}),
    }


def after_a_cursor(params: Mapping[str, Any]) -> bool:
    """Whether a forward page, given as the parameters above (holders', interactions',
    timeline's), starts after a cursor: its PageInfo's hasPreviousPage."""
    return params.get("afterId") is not None or bool(params.get("after"))


def fields_params(args: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Customer.fields: the model's property names, which are not custom fields."""
    return {"model": MODEL}


MODEL = sorted(CUSTOMER_PROPERTIES)


def tags_params(args: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Customer.tags(asOf) as its fragment's parameter (null: the tags held now)."""
    return {"asOf": args.get("asOf")}


def holders_params(args: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Tag.customers(first, after), and Query.customers: customers by id, a page after an id."""
    size = check_first(args.get("first"), settings)
    key = decode_cursor(args.get("after"), str)
    return {"limit": size + 1, "after": key[0] if key else ""}


def customers_params(args: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Query.customers as the customers view's parameters: the plain list by id, forward,
    only. With `where` it is a segment's page, with an order or backward the ordered view
    (resolvers/customers.py)."""
    special = ("where", "asOf", "as_of", "orderBy", "order_by", "last", "before")
    if any(args.get(name) is not None for name in special):
        raise Untranslatable("Query.customers with where, an order or backward: not the view")
    if args.get("first") is None:
        args = {**args, "first": 20}  # neither first nor last: the default page
    return holders_params(args, settings)


def customer_params(args: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Query.customer(id) as its view's parameters."""
    return {"id": args["id"]}


CONVERTERS: dict[tuple[str, str], Converter] = {
    ("Query", "customer"): customer_params,
    ("Query", "customers"): customers_params,
    ("Customer", "interactions"): interactions_params,
    ("Customer", "timeline"): timeline_params,
    ("Customer", "tags"): tags_params,
    ("Customer", "fields"): fields_params,
    ("Tag", "customers"): holders_params,
}


class Untranslatable(Exception):
    """A field's arguments fail their checks (a strict walk: the fast path then leaves the
    whole request to graphql-core, which reports the error at the field's path)."""


@dataclass(frozen=True)
class Walk:
    """What walking a document needs: the schema, the fragments, the coerced variables, the
    settings (page-size limits), and whether a field with bad arguments is left out (so its
    own resolver reports it) or stops the walk (`strict`)."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues
    settings: Settings
    strict: bool = False

    def fields(
        self, output: GraphQLOutputType, nodes: Iterable[FieldNode]
    ) -> tuple[Selection, ...]:
        """The fields selected by `nodes` on the object type of `output` (none for a leaf)."""
        object_type = get_named_type(output)
        if not isinstance(object_type, GraphQLObjectType):
            return ()
        grouped: dict[str, list[FieldNode]] = {}
        for node in nodes:
            if node.selection_set is not None:
                self._collect(object_type, node.selection_set, grouped)
        selections = []
        for key, group in grouped.items():
            name = group[0].name.value
            field = object_type.fields.get(name)
            if field is None:  # __typename
                selections.append(Selection(name, key))
                continue
            try:
                params = self._params(object_type.name, name, field, group[0])
            except BadUserInput as e:
                if self.strict:
                    raise Untranslatable(e.message) from e
                continue  # its own resolver reports it, at its own path
            selections.append(Selection(name, key, params, self.fields(field.type, group)))
        return tuple(selections)

    def _collect(
        self,
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
    ) -> None:
        for node in selection_set.selections:
            if not self._included(node.directives):
                continue
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                grouped.setdefault(key, []).append(node)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                if condition is None or condition.name.value == object_type.name:
                    self._collect(object_type, node.selection_set, grouped)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                if fragment.type_condition.name.value == object_type.name:
                    self._collect(object_type, fragment.selection_set, grouped)

    def _included(self, directives: Iterable[DirectiveNode] | None) -> bool:
        for directive in directives or ():
            name = directive.name.value
            if name in ("skip", "include"):
                definition = self.schema.get_directive(name)
                assert definition is not None
                condition = get_argument_values(definition, directive, self.variables)["if"]
                if condition == (name == "skip"):
                    return False
        return True

    def _params(
        self, type_name: str, name: str, field: GraphQLField, node: FieldNode
    ) -> dict[str, Any]:
        converter = CONVERTERS.get((type_name, name))
        if converter is None:
            return {}
        return converter(get_argument_values(field, node, self.variables), self.settings)


def below(info: Info) -> tuple[Selection, ...]:
    """The fields selected under the field `info` resolves."""
    # graphql-core's info: Strawberry's exposes neither field nodes nor fragments.
    raw = info._raw_info
    values: Any = raw.variable_values
    if not isinstance(values, VariableValues):  # Strawberry's executor passes the plain dict
        values = VariableValues({}, dict(values))
    walk = Walk(raw.schema, raw.fragments, values, info.context.settings)
    return walk.fields(raw.parent_type.fields[raw.field_name].type, raw.field_nodes)


class Parent(Protocol):
    """An object whose fields are being resolved: its id, and what a translated read fetched
    for it (`{}` when it came from elsewhere)."""

    @property
    def id(self) -> str: ...

    @property
    def fetched(self) -> Mapping[str, Any]: ...


def fetched(info: Info, parent: Parent) -> Any:
    """What a translated read fetched for the field being resolved, or MISSING."""
    return parent.fetched.get(str(info.path.key), MISSING)


async def graph_field(
    info: Info, type_name: str, parent: Parent, params: dict[str, Any] | None = None
) -> Any:
    """The value of the field being resolved: fetched with its parent, else from the field's
    DataLoader (the same fragment, over every parent asking in this tick with the same
    `params`, the fragment's parameters)."""
    value = fetched(info, parent)
    if value is MISSING:
        key = PageKey.of(parent.id, **(params or {})).params
        loader = info.context.loaders.field_loader(type_name, info.field_name, key)
        value = await loader.load(parent.id)
    return value


async def graph_page(
    info: Info, type_name: str, parent: Parent, params: dict[str, Any]
) -> Page[Any]:
    """A connection's page: fetched with its parent, else from the field's paged DataLoader
    (one query per distinct `params`, over every parent asking in this tick)."""
    value = fetched(info, parent)
    if value is MISSING:
        loader = info.context.loaders.page_loader(type_name, info.field_name)
        return await loader.load(PageKey.of(parent.id, **params))
    return Page.from_value(value)


def asks_for(info: Info, name: str) -> bool:
    """Whether the field being resolved selects `name` right below it (fragments spread,
    @skip/@include applied), e.g. a connection's totalCount, which costs a count of its own."""
    return any(selection.name == name for selection in below(info))
