"""A selection turned into one Cypher map projection, from fragments kept in `cypher/`.

Each field the graph can answer has a fragment, `cypher/fields/<Type>/<field>.cypher`: a Cypher
expression over the parent node `{{this}}` whose value is the field's (a list, a map, a
number). A fragment that reaches nodes of another type names the node `{{node}}` and projects
it as `{{node}} {.id{{fields}}}`; its header says which type, and where its selection sits:

    // Projects: Interaction at edges.node

`{{fields}}` becomes the properties selected under it and, for the fields with fragments of
their own, a `_fetched` map keyed by response key: the same construction, one level down. So a
whole nested selection is one expression. A view, `cypher/views/<name>.cypher`, is a whole
statement in the same form around a root node.

Every other `{{name}}` in a fragment is a variable of its own and gets a number (`i` -> `i3`),
and every `$param` a prefix (`$first` -> `$f3_first`), so fragments nest without capturing
each other's variables and the same field asked twice with other arguments stays apart. The
values come from `Selection.params`, checked by the resolvers. No user text reaches the
statement: response keys are GraphQL names (`[_A-Za-z][_0-9A-Za-z]*`) and are backquoted.

With no selection (`full=True`), a node projects every property (`{.id, .*}`): the shape
DataLoaders return, so a loader and a translated read share one fragment.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graph.model import CUSTOMER_MODEL, FEEDBACK_FIELDS, TICKET_FIELDS
from graph.queries import all_queries
from graph.translate.selection import Selection

# The GraphQL fields of each node type that are node properties of the same name.
PROPERTIES: dict[str, frozenset[str]] = {
    "Customer": frozenset((*CUSTOMER_MODEL, "owner")),
    "Tag": frozenset({"id", "name", "category", "description", "status"}),
    "Product": frozenset({"id", "sku", "name", "category", "price"}),
    "Interaction": frozenset(
        {"id", "type", "occurredAt", "channel", "amount", "quantity", "note"}
        | {*TICKET_FIELDS, *FEEDBACK_FIELDS}
    ),
}

# Properties projected whatever is selected: the schema types are built from them.
ALWAYS: dict[str, tuple[str, ...]] = {
    "Customer": ("name",),
    "Tag": ("name",),
    "Product": ("name",),
    "Interaction": ("type",),
}

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PROJECTS = re.compile(r"^// Projects: (\w+)(?: at ([\w.]+))?$", re.MULTILINE)
_COMMENT = re.compile(r"^\s*//.*\n?", re.MULTILINE)
FETCHED = "_fetched"


@dataclass(frozen=True)
class Fragment:
    """A field's (or a view's) Cypher, its parameters, and the type of node it projects, with
    the path from its selection to that node's selection (`edges.node` for a connection)."""

    name: str
    text: str
    params: frozenset[str]
    projects: str | None = None
    at: tuple[str, ...] = ()


@cache
def fragments() -> dict[str, Fragment]:
    """`Type/field` (cypher/fields) and `views/name` (cypher/views) -> fragment."""
    found = {}
    for name, text in all_queries().items():
        if name.startswith("fields/"):
            key = name.removeprefix("fields/")
        elif name.startswith("views/"):
            key = name
        else:
            continue
        projects = _PROJECTS.search(text)
        body = _COMMENT.sub("", text).strip()
        found[key] = Fragment(
            name=name,
            text=body,
            params=frozenset(_PARAM.findall(body)),
            projects=projects.group(1) if projects else None,
            at=tuple(projects.group(2).split(".")) if projects and projects.group(2) else (),
        )
    return found


def fragment(type_name: str, field_name: str) -> Fragment | None:
    """The fragment answering `Type.field`, or None when resolvers answer it."""
    return fragments().get(f"{type_name}/{field_name}")


@dataclass
class Statement:
    """Cypher being built: its parameters and the counter that keeps names apart. With
    `text=False` only the parameters are collected: the same walk, no text (for a selection
    whose statement is cached: the text depends on the selection's shape, not its values)."""

    params: dict[str, Any] = field(default_factory=dict)
    text: bool = True
    _count: int = 0

    def render(
        self,
        part: Fragment,
        this: str,
        selection: Selection | None,
        given: dict[str, Any] | None = None,
        prefix: bool = True,
    ) -> str:
        """`part` around the node `this`, projecting `selection` (None: every property).
        `given`: the parameters' values (default: the selection's); `prefix`: rename them
        apart (off for a statement of its own, e.g. a DataLoader's)."""
        self._count += 1
        n = self._count
        values = given if given is not None else selection.params if selection else {}
        missing = part.params - values.keys()
        if missing:
            raise KeyError(f"cypher/{part.name}.cypher needs parameters {sorted(missing)}")
        names = {name: f"f{n}_{name}" if prefix else name for name in part.params}
        self.params |= {names[name]: values[name] for name in part.params}
        node = f"n{n}"
        if not self.text:
            if part.projects is not None:  # one {{fields}} (test_translate checks the files)
                below = None if selection is None else selection.at(*part.at)
                self.fields(part.projects, node, below)
            return ""
        text = _PARAM.sub(lambda m: "$" + names[m.group(1)], part.text)

        def expand(match: re.Match[str]) -> str:
            placeholder = match.group(1)
            if placeholder == "this":
                return this
            if placeholder == "node":
                return node
            if placeholder == "fields":
                assert part.projects is not None, f"{part.name}: {{{{fields}}}} without Projects"
                below = None if selection is None else selection.at(*part.at)
                return self.fields(part.projects, node, below)
            return f"{placeholder}{n}"

        return _PLACEHOLDER.sub(expand, text)

    def fields(self, type_name: str, node: str, selections: Iterable[Selection] | None) -> str:
        """What follows `.id` in the projection of `node`: the selected properties and the
        `_fetched` map of the fields with fragments (everything, `.*`, when None)."""
        if selections is None:
            return ", .*"
        properties = dict.fromkeys(ALWAYS[type_name])
        fetched: list[str] = []
        for selection in selections:
            if selection.name in PROPERTIES[type_name]:
                properties[selection.name] = None
            elif (part := fragment(type_name, selection.name)) is not None:
                value = self.render(part, node, selection)
                fetched.append(f"`{selection.key}`: {value}")
        entries = [f".{name}" for name in properties if name != "id"]
        if fetched:
            entries.append(f"{FETCHED}: {{{', '.join(fetched)}}}")
        return "".join(f", {entry}" for entry in entries)


VIEW_CACHE = 512  # statements kept by the shape of their selection (LRU)
_views: OrderedDict[Selection, str] = OrderedDict()


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@cache
def _instance(name: str, marker: str, value: str) -> Fragment:
    """The view `name` with every `marker` in its text replaced by `value`: a property name
    from the caller's fixed table (an index can only serve a property named in the text)."""
    assert _IDENTIFIER.fullmatch(value), f"{value!r} is not a property name"
    part = fragments()[f"views/{name}"]
    assert marker in part.text, f"views/{name} has no {marker}"
    return Fragment(part.name, part.text.replace(marker, value), part.params, part.projects,
                    part.at)  # fmt: skip


def view(
    name: str,
    selections: Iterable[Selection],
    *,
    instance: tuple[str, str] | None = None,
    **params: Any,
) -> tuple[str, dict[str, Any]]:
    """The statement of `cypher/views/<name>.cypher` projecting `selections` from its root
    node, and its parameters (`params`: the view's own). The text is built once per shape of
    selection (Selections compare by name, key and children, not by their values).
    `instance` (marker, property): the view for that property (see `_instance`)."""
    if instance is None:
        part = fragments()[f"views/{name}"]
    else:
        part = _instance(name, *instance)
        name = f"{name}:{instance[1]}"  # cached apart from the view's other properties
    root = Selection(name, name, params, tuple(selections))
    text = _views.get(root)
    statement = Statement(text=text is None)
    rendered = statement.render(part, "", root, prefix=False)
    if text is None:
        text = _views[root] = rendered
        if len(_views) > VIEW_CACHE:
            _views.popitem(last=False)
    else:
        _views.move_to_end(root)
    return text, statement.params


def loader(type_name: str, field_name: str) -> str:
    """A DataLoader's statement for `Type.field`: `$ids` in, `key` and `value` out, every
    property of the nodes it reaches (the field's own parameters keep their names)."""
    part = fragment(type_name, field_name)
    assert part is not None, f"no fragment for {type_name}.{field_name}"
    statement = Statement()
    given = dict.fromkeys(part.params)
    value = statement.render(part, "this", None, given, prefix=False)
    return (
        f"UNWIND $ids AS id\nMATCH (this:{type_name} {{id: id}})\n"
        f"RETURN id AS key, {value} AS value"
    )
