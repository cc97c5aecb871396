"""The cost limit: a request's size, estimated before any Cypher runs as the number of
objects it can return, refused over `C360_MAX_NODES` with QUERY_TOO_COMPLEX.

Each object-typed field counts once per object above it; a list multiplies by its page size:
`first`/`last`/`limit` as given (a literal, a variable, else the argument's default, else
the largest page `C360_MAX_PAGE_SIZE`), inherited by a connection's `edges`. Lists without a
page size count what `UNPAGED` assumes of them (the sizes docs/operations.md lists). Fields
that read far more than they return count what they read (`READS`). Scalars and
introspection count nothing: introspection is bounded by the schema itself.

The estimate is an upper bound for the paged parts of a request and a stated assumption for
the rest; it is what makes a depth-9 nesting of `tags { customers(first: 25) ... }` cost
millions before it runs, instead of 13 seconds of Neo4j and event loop after.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.utilities import get_operation_ast

from core.errors import C360Error
from core.settings import Settings

PAGE_ARGUMENTS = ("first", "last", "limit")
DEFAULT_PAGE = 20  # a connection's page when neither first nor last is given
# Lists without a page argument: the most items the estimate assumes each one holds.
UNPAGED: dict[tuple[str, str], int] = {
    ("Query", "tags"): 500,  # the whole taxonomy
    ("Query", "segments"): 200,
    ("Query", "tagRules"): 200,
    ("Query", "linkageRules"): 200,
    ("Query", "lifecycleFunnel"): 7,
    ("Mutation", "runTagRules"): 200,
    ("Customer", "tags"): 20,
    ("Customer", "tagAssignments"): 20,
    ("Customer", "tasks"): 20,
    ("Customer", "purchasedProducts"): 100,
    ("DuplicateGroup", "customers"): 10,
    ("Tag", "children"): 50,
    ("TagHealth", "unused"): 500,
    ("TagHealth", "undescribed"): 500,
    ("TagHealth", "redundant"): 500,
}
UNPAGED_DEFAULT = 100
# A list sized by its parent's page argument times this (customerMap: edges between its nodes).
PER_PAGE_ITEM: dict[tuple[str, str], int] = {("GraphView", "nodes"): 1, ("GraphView", "edges"): 2}
# Fields whose Cypher reads many more rows than they return, counted as this many objects a
# call (similarCustomers and alsoBought walk every neighbour of a customer or product).
READS: dict[tuple[str, str], int] = {
    ("Query", "similarCustomers"): 2_000,
    ("Query", "alsoBought"): 2_000,
}


class QueryTooComplex(C360Error):
    code = "QUERY_TOO_COMPLEX"


STEPS = 100_000  # fields visited at most (fragments spread in fragments multiply them)


class _Estimate:
    """One walk of an operation; stops counting once past `limit` (the answer is known) or
    after `STEPS` fields (a document built to be costly to walk)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        settings: Settings,
        limit: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page = settings.max_page_size
        self.limit = limit
        self.steps = 0
        self.defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }

    def objects(
        self,
        parent: GraphQLObjectType,
        selection_set: SelectionSetNode | None,
        times: int,
        page: int | None,
    ) -> int:
        """Objects under `times` objects of type `parent`; `page` sizes its paged lists."""
        total = 0
        for node in self._fields(parent, selection_set):
            name = node.name.value
            if name.startswith("__") or name not in parent.fields:
                continue
            field = parent.fields[name]
            named = get_named_type(field.type)
            if not isinstance(named, GraphQLObjectType):
                continue
            own_page = self._page(node, field.args)
            per_parent = own_page if _is_list(field.type) else 1
            if per_parent is None:
                key = (parent.name, name)
                if page is not None and (name == "edges" or key in PER_PAGE_ITEM):
                    per_parent = page * PER_PAGE_ITEM.get(key, 1)
                else:
                    per_parent = UNPAGED.get(key, UNPAGED_DEFAULT)
            count = times * per_parent
            total += count + times * READS.get((parent.name, name), 0)
            if total > self.limit:
                return total
            total += self.objects(named, node.selection_set, count, own_page)
            if total > self.limit:
                return total
        return total

    def _fields(
        self, parent: GraphQLObjectType, selection_set: SelectionSetNode | None
    ) -> Iterator[FieldNode]:
        for selection in selection_set.selections if selection_set else ():
            self.steps += 1
            if self.steps > STEPS:
                raise TooManyFields
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(parent, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    yield from self._fields(parent, fragment.selection_set)

    def _page(self, node: FieldNode, arguments: Mapping[str, Any]) -> int | None:
        """The page size this field asks for, or None when it has no page argument."""
        names = [name for name in PAGE_ARGUMENTS if name in arguments]
        if not names:
            return None
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        unusable = False  # an explicit null, or a variable that will not coerce
        for name in names:
            value: Any = given.get(name)
            present = name in given
            if isinstance(value, VariableNode):
                variable = value.name.value
                if variable in self.variables:
                    value = self.variables[variable]
                    if value is None:  # an explicit null
                        unusable = True
                        continue
                else:  # unset, and without a default: the argument is unset
                    value = self.defaults.get(variable)
                    present = value is not None
            if value is None:  # not given: the argument's default
                value = arguments[name].default_value
            if isinstance(value, IntValueNode):
                value = int(value.value)
            if isinstance(value, int) and not isinstance(value, bool):
                # above the largest page the field itself refuses it (BAD_USER_INPUT, naming
                # the argument): counted as the largest page, not reported as too complex
                return min(max(value, 0), self.max_page)
            unusable = unusable or present  # given, but not as a number
        # no usable size: the largest page; none given and none by default: the API's default
        return self.max_page if unusable else DEFAULT_PAGE


class TooManyFields(Exception):
    """The document's fragments expand to more than STEPS fields."""


def _is_list(output: GraphQLOutputType) -> bool:
    if isinstance(output, GraphQLNonNull):
        output = output.of_type
    return isinstance(output, GraphQLList)


def estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    settings: Settings,
) -> int:
    """How many objects the operation can return; counting stops just past the limit.
    Raises TooManyFields for a document that expands to more than STEPS fields."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    walk = _Estimate(schema, fragments, operation, variables or {}, settings, settings.max_nodes)
    return walk.objects(root, operation.selection_set, 1, None)


_ESTIMATES: OrderedDict[tuple[Any, ...], tuple[DocumentNode, int]] = OrderedDict()
CACHED = 512  # estimates kept (LRU), by document and the integer variables it got


def cached_estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    settings: Settings,
) -> int:
    """`estimate`, remembered per parsed document (the parser cache hands out one object per
    text), the limits it was counted under, and the integer-valued variables (the only ones a
    page size can come from)."""
    numbers = tuple(
        sorted((k, v) for k, v in (variables or {}).items() if v is None or type(v) is int)
    )
    key = (id(document), operation_name, numbers, settings.max_nodes, settings.max_page_size)
    if (known := _ESTIMATES.get(key)) is not None and known[0] is document:
        _ESTIMATES.move_to_end(key)
        return int(known[1])
    size = estimate(schema, document, operation_name, variables, settings)
    _ESTIMATES[key] = (document, size)  # the document held: its id is not reused meanwhile
    if len(_ESTIMATES) > CACHED:
        _ESTIMATES.popitem(last=False)
    return size


def too_complex(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    settings: Settings,
) -> QueryTooComplex | None:
    """The refusal of an operation estimated over C360_MAX_NODES, or None."""
    try:
        size = cached_estimate(schema, document, operation_name, variables, settings)
    except TooManyFields:
        return QueryTooComplex(
            f"the request's fragments expand to more than {STEPS:,} fields: spread fewer"
        )
    if size <= settings.max_nodes:
        return None
    return QueryTooComplex(
        f"the request could return at least {size:,} objects, more than the limit of "
        f"{settings.max_nodes:,} (C360_MAX_NODES): ask for smaller pages or fewer levels"
    )
