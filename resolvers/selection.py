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
from typing import Any, Protocol

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    get_argument_values,
    get_named_type,
)
from graphql.execution.values import VariableValues
from graphql.language import DirectiveNode

from core.errors import BadUserInput
from core.settings import Settings
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


def holders_params(args: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Tag.customers(first, after) as its fragment's parameters."""
    size = check_first(args.get("first"), settings)
    key = decode_cursor(args.get("after"), str)
    return {"limit": size + 1, "after": key[0] if key else ""}


CONVERTERS: dict[tuple[str, str], Converter] = {
    ("Customer", "interactions"): interactions_params,
    ("Tag", "customers"): holders_params,
}


def below(info: Info) -> tuple[Selection, ...]:
    """The fields selected under the field `info` resolves."""
    # graphql-core's info: Strawberry's exposes neither field nodes nor fragments.
    raw = info._raw_info
    field = raw.parent_type.fields[raw.field_name]
    return _fields(info, field.type, raw.field_nodes)


def _fields(
    info: Info, output: GraphQLOutputType, nodes: Iterable[FieldNode]
) -> tuple[Selection, ...]:
    object_type = get_named_type(output)
    if not isinstance(object_type, GraphQLObjectType):
        return ()
    grouped: dict[str, list[FieldNode]] = {}
    for node in nodes:
        if node.selection_set is not None:
            _collect(info, object_type, node.selection_set, grouped)
    selections = []
    for key, group in grouped.items():
        name = group[0].name.value
        field = object_type.fields.get(name)
        if field is None:  # __typename
            continue
        try:
            params = _params(info, object_type.name, name, field, group[0])
        except BadUserInput:
            continue  # its own resolver reports it, at its own path
        children = _fields(info, field.type, group)
        selections.append(Selection(name, key, params, children))
    return tuple(selections)


def _collect(
    info: Info,
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    grouped: dict[str, list[FieldNode]],
) -> None:
    raw = info._raw_info
    for node in selection_set.selections:
        if not _included(info, node.directives):
            continue
        if isinstance(node, FieldNode):
            key = node.alias.value if node.alias else node.name.value
            grouped.setdefault(key, []).append(node)
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            if condition is None or condition.name.value == object_type.name:
                _collect(info, object_type, node.selection_set, grouped)
        elif isinstance(node, FragmentSpreadNode):
            fragment = raw.fragments[node.name.value]
            if fragment.type_condition.name.value == object_type.name:
                _collect(info, object_type, fragment.selection_set, grouped)


def _variables(info: Info) -> VariableValues:
    values: Any = info._raw_info.variable_values
    return values if isinstance(values, VariableValues) else VariableValues({}, dict(values))


def _included(info: Info, directives: Iterable[DirectiveNode] | None) -> bool:
    for directive in directives or ():
        name = directive.name.value
        if name in ("skip", "include"):
            definition = GraphQLSkipDirective if name == "skip" else _include_directive(info)
            condition = get_argument_values(definition, directive, _variables(info))["if"]
            if condition == (name == "skip"):
                return False
    return True


def _include_directive(info: Info) -> Any:
    return info._raw_info.schema.get_directive("include")


def _params(
    info: Info, type_name: str, name: str, field: GraphQLField, node: FieldNode
) -> dict[str, Any]:
    converter = CONVERTERS.get((type_name, name))
    if converter is None:
        return {}
    args = get_argument_values(field, node, _variables(info))
    return converter(args, info.context.settings)


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


async def graph_field(info: Info, type_name: str, parent: Parent) -> Any:
    """The value of the field being resolved: fetched with its parent, else from the field's
    DataLoader (the same fragment, over every parent asking in this tick)."""
    value = fetched(info, parent)
    if value is MISSING:
        value = await info.context.loaders.field_loader(type_name, info.field_name).load(parent.id)
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
