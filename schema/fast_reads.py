"""The fast path: a query the graph answers whole is executed as its translated statements,
and the response is shaped from their rows without graphql-core's per-field execution.

A translated read already returns the response's content in one round trip (graph/views.py);
what is left after it is graphql-core completing every field of the result in Python: a task,
a resolver call and a type check per field, 46% of the time of a page of 100 customers
(profiled). This extension answers the request itself when everything in it can be:

- a query whose root fields are `customer`, `customers` and `__typename`;
- every field below them a node property, a field with a fragment (`cypher/fields`), a
  connection's `edges`/`node`/`cursor`/`pageInfo`/`totalCount`, a tag assignment's or a stage
  span's own fields or `__typename`;
- every argument passing its checks (the walk is strict).

It runs after the security layer (`Authorize` has let the request through; parse, validation
and the limits ran as always) and before execution: setting the result skips graphql-core.
Values go through the same `from_record` and the same scalar and enum serializers as the
resolvers', and personal data through the fields' own `PersonalData` masks. Anything else,
or anything unexpected while answering (a null where the schema says non-null), leaves the
request to ordinary execution, so answers and errors are the resolvers' in every case;
tests/api/test_translated_reads.py compares the two on seeded graphs.

What it trades: field-level extensions other than `PersonalData` do not run for these
requests (there are none on these types today; a new one must be added to `completion`), and
a request that turns out not to be answerable after its statement ran costs a second round
trip. How each field is answered is worked out once per schema (`FieldPlan`): R2's whole
answer in process (a page of 100 customers with tags and stage) went from 5.0-5.5 to 4.3-4.7
ms with it.
`C360_FAST_READS=false` turns it off.

A document answered once is remembered by its text (`AnsweredDocuments`), and later requests
with it take the fast lane (`fast_lane`, called by the HTTP layer): the role check and the
answer, without Strawberry's execution and its extension hooks, which would only hit the
parse and validation caches again. A query graphql-core executed without an error is
remembered too, and executed by graphql-core directly the next time (`execute_again`).
"""

from __future__ import annotations

import logging
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    NameNode,
    OperationType,
    get_named_type,
)
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension

# graphql-core's execute and the executor argument as Strawberry passes them (its own
# helpers, so the two paths cannot drift across graphql-core versions)
from strawberry.schema._graphql_core import (
    GraphQLExecutionContext,
    execute,
    execution_context_class_kwargs,
)
from strawberry.types import ExecutionResult as HTTPResult
from strawberry.types.graphql import OperationType as StrawberryOperationType
from strawberry.utils.await_maybe import await_maybe

from core import tracing
from graph import views
from graph.paging import Page
from graph.rows import EdgeRow
from graph.translate.projection import PROPERTIES, fragment
from graph.translate.selection import Selection
from resolvers.context import Context
from resolvers.pagination import encode_cursor
from resolvers.selection import Untranslatable, Walk, after_a_cursor
from schema.cost import too_complex
from schema.customer import Customer, StageSpan
from schema.interaction import Interaction
from schema.product import Product
from schema.scalars import as_datetime
from schema.security import PersonalData, refusal
from schema.tag import Tag, TagAssignment

log = logging.getLogger("c360.api")

NODES: dict[str, Any] = {
    "Customer": Customer,
    "Tag": Tag,
    "Product": Product,
    "Interaction": Interaction,
}
# Value types a fragment returns as maps (not nodes): built by their from_record, as the
# resolvers build them.
VALUES: dict[str, Any] = {"StageSpan": StageSpan}
ROOTS = frozenset({"customer", "customers", "__typename"})
# Fetched values the resolvers convert before the schema serializes them.
CONVERT: dict[tuple[str, str], Any] = {
    ("Customer", "totalSpend"): lambda value: float(value or 0.0),
    ("Customer", "purchaseCount"): lambda value: int(value or 0),
    ("Customer", "lastPurchaseAt"): as_datetime,
    ("Tag", "customerCount"): int,
    ("Product", "buyerCount"): int,
}


class FastReads(SchemaExtension):
    """Answers a query the graph answers whole (see the module docstring)."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            execution.result is None  # not refused by Authorize
            and isinstance(context, Context)
            and context.settings.fast_reads
            and execution.graphql_document is not None
        ):
            schema = execution.schema
            data = await attempt(
                schema._schema,
                execution.graphql_document,
                execution.operation_name,
                execution.variables,
                context,
            )
            if data is not None:
                execution.result = ExecutionResult(data=data, errors=None)
                if isinstance(schema, AnsweredDocuments):
                    schema.answered.remember(
                        execution.query, execution.operation_name, execution.graphql_document
                    )
                yield
                return
        yield
        result = execution.result
        if (
            isinstance(execution.schema, AnsweredDocuments)
            and isinstance(context, Context)
            and execution.graphql_document is not None
            and execution.operation_type is StrawberryOperationType.QUERY
            and isinstance(result, ExecutionResult)
            and not result.errors
            and not tracing.enabled()  # its resolver spans are middleware: not run again
        ):
            execution.schema.executed.remember(
                execution.query, execution.operation_name, execution.graphql_document
            )


class DocumentMemory:
    """The last `SIZE` documents of one kind, by (text, operation name)."""

    SIZE = 512

    def __init__(self) -> None:
        self.documents: OrderedDict[tuple[str, str | None], DocumentNode] = OrderedDict()

    def remember(self, query: str | None, operation: str | None, document: DocumentNode) -> None:
        if query is None:
            return
        self.documents[query, operation] = document
        if len(self.documents) > self.SIZE:
            self.documents.popitem(last=False)

    def get(self, query: str | None, operation: str | None) -> DocumentNode | None:
        if query is None:
            return None
        document = self.documents.get((query, operation))
        if document is not None:
            self.documents.move_to_end((query, operation))
        return document


class AnsweredDocuments:
    """A schema's memory of the query documents that went through Strawberry's execution:
    each one parsed, validated under the schema's limits and run once. `answered`: the fast
    path answered it whole; `executed`: graphql-core executed it without an error. A later
    request with the same text skips Strawberry's execution (its extension hooks, which would
    only hit the parse and validation caches again) through `fast_lane`; the role check and
    the cost limit still run for every request, and anything else falls back to ordinary
    execution."""

    _schema: GraphQLSchema  # graphql-core's schema, which strawberry.Schema holds
    execution_context_class: type[GraphQLExecutionContext[Any]]  # strawberry.Schema's

    def __init__(self) -> None:
        self.answered = DocumentMemory()
        self.executed = DocumentMemory()


async def fast_lane(
    schema: Any,
    query: str | None,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    context: Context,
) -> HTTPResult | None:
    """The result of a query whose document went through Strawberry's execution before,
    without it; None sends the request through it (a refusal, bad variables, an error,
    anything the fast path does not answer: ordinary execution reports it)."""
    if not isinstance(schema, AnsweredDocuments) or not context.settings.fast_reads:
        return None
    if not isinstance(operation_name, str | None):  # Strawberry refuses it with a 400
        return None
    answered = schema.answered.get(query, operation_name)
    document = answered or schema.executed.get(query, operation_name)
    if document is None or refusal(context, document, operation_name) is not None:
        return None
    if too_complex(schema._schema, document, operation_name, variables, context.settings):
        return None  # ordinary execution refuses it
    if answered is None:
        return await execute_again(schema, document, operation_name, variables, context)
    data = await attempt(schema._schema, document, operation_name, variables, context)
    return None if data is None else HTTPResult(data=data, errors=None)


async def execute_again(
    schema: AnsweredDocuments,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    context: Context,
) -> HTTPResult | None:
    """A query document graphql-core executed before without an error, executed by it as
    Strawberry does (its execution context class, no middleware: no extension resolves
    fields unless tracing is on, and then documents are not remembered). An error sends the
    request through Strawberry's execution again, which masks, codes and logs it: queries
    only read, so running one twice costs time, not correctness, and the request's deadline
    (set by the HTTP layer) bounds both runs."""
    result = await await_maybe(
        execute(
            schema._schema,
            document,
            variable_values=variables,
            operation_name=operation_name,
            context_value=context,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # as Strawberry's
            **execution_context_class_kwargs(schema.execution_context_class),
            operation_extensions=None,
        )
    )
    if result.errors:
        return None
    return HTTPResult(data=result.data, errors=None)


async def attempt(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    context: Context,
) -> dict[str, Any] | None:
    """The response data, or None when the fast path does not answer the request."""
    try:
        return await answer(schema, document, operation_name, variables, context)
    except Untranslatable as reason:
        log.debug("not on the fast path: %s", reason)
    except Exception:  # graphql-core runs the request again and reports the error
        log.debug("fast path failed; executing field by field", exc_info=True)
    return None


async def answer(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    context: Context,
) -> dict[str, Any] | None:
    """The response data, or None when the request is not for the fast path."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):  # bad variables: graphql-core reports them
        return None
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    walk = Walk(schema, fragments, coerced, context.settings, strict=True)
    query = schema.query_type
    assert query is not None
    # the operation's selection set, held as a field's, is where the walk starts
    root_node = FieldNode(name=NameNode(value="query"), selection_set=operation.selection_set)
    roots = walk.fields(query, [root_node])
    if any(root.name not in ROOTS for root in roots):
        return None
    shaped(query, roots)  # before any Cypher: a request it cannot shape costs no round trip
    data: dict[str, Any] = {}
    shape = Shape(schema, context)
    for root in roots:
        if root.name == "__typename":
            data[root.key] = query.name
        elif root.name == "customer":
            record = await views.customer(context.graph, root.params["id"], root.children)
            data[root.key] = shape.node("Customer", root.children, record)
        else:
            nodes = root.at("edges", "node")
            page = await views.customers(
                context.graph, nodes, limit=root.params["limit"], after=root.params["after"]
            )
            connection = get_named_type(query.fields["customers"].type)
            data[root.key] = shape.connection(connection, root, page)
    return data


# Object types the Shape builds besides NODES and VALUES (connections and edges by their names).
SHAPED = frozenset({"TagAssignment", "PageInfo"})


def shaped(output: GraphQLObjectType, selections: Iterable[Selection]) -> None:
    """Untranslatable unless every object type selected below `output` is one Shape builds."""
    for selection in selections:
        if selection.name == "__typename":
            continue
        named = get_named_type(output.fields[selection.name].type)
        if not isinstance(named, GraphQLObjectType):
            continue
        name = named.name
        if not (
            name in NODES
            or name in VALUES
            or name in SHAPED
            or name.endswith(("Connection", "Edge"))
        ):
            raise Untranslatable(f"{output.name}.{selection.name}: {name} is not shaped here")
        shaped(named, selection.children)


# What a completion does with a fetched value (the shape, the field's selection, the value).
Complete = Callable[["Shape", Selection, Any], Any]


@dataclass(frozen=True)
class FieldPlan:
    """How Shape answers one field of one object type, worked out once per schema: where its
    value comes from (`is_property`: the instance's attribute `python_name`; `fetched`: the
    translated read's, by response key, `convert`ed as the resolver does) and how it is
    completed (`complete`: non-null and list checks, masks, serializers and object types,
    flattened into closures instead of a walk over the field's type per value)."""

    python_name: str
    is_property: bool
    fetched: bool
    convert: Callable[[Any], Any] | None
    complete: Complete

    @classmethod
    def of(cls, object_type: GraphQLObjectType, field_name: str) -> FieldPlan:
        field = object_type.fields[field_name]
        type_name = object_type.name
        python_name: str = field.extensions["strawberry-definition"].python_name
        is_property = type_name in PROPERTIES and field_name in PROPERTIES[type_name]
        return cls(
            python_name=python_name,
            is_property=is_property,
            fetched=not is_property and fragment(type_name, field_name) is not None,
            convert=CONVERT.get((type_name, field_name)),
            complete=completion(field, field.type),
        )


def completion(field: GraphQLField, output: GraphQLOutputType) -> Complete:
    """The completion of a value of type `output` for `field` (what graphql-core's
    complete_value does, for the types Shape builds)."""
    non_null = isinstance(output, GraphQLNonNull)
    inner = output.of_type if isinstance(output, GraphQLNonNull) else output
    present: Complete
    if isinstance(inner, GraphQLList):
        item = completion(field, inner.of_type)

        def present(shape: Shape, selection: Selection, value: Any) -> Any:
            return [item(shape, selection, each) for each in value]

    elif isinstance(inner, GraphQLScalarType | GraphQLEnumType):
        serialize = inner.serialize
        masks = tuple(
            extension
            for extension in field.extensions["strawberry-definition"].extensions
            if isinstance(extension, PersonalData)
        )

        def present(shape: Shape, selection: Selection, value: Any) -> Any:
            if masks and not shape.sees_personal_data:
                for personal in masks:
                    value = personal.mask(value)
                    if value is None:
                        return None
            return serialize(value)

    else:
        assert isinstance(inner, GraphQLObjectType)
        present = _object_completion(inner)

    def complete(shape: Shape, selection: Selection, value: Any) -> Any:
        if value is None:
            if non_null:
                raise Untranslatable(f"null for the non-null {selection.name}")
            return None
        return present(shape, selection, value)

    return complete


def _object_completion(output: GraphQLObjectType) -> Complete:
    name = output.name
    if name.endswith("Connection"):
        return lambda shape, selection, value: shape.connection(
            output, selection, Page.from_value(value)
        )
    if name == "TagAssignment":
        return lambda shape, selection, value: shape.assignment(output, selection.children, value)
    if name in VALUES:
        from_record = VALUES[name].from_record
        return lambda shape, selection, value: shape.record(
            output, selection.children, from_record(value)
        )
    return lambda shape, selection, value: shape.node(name, selection.children, value)


# Plans by schema (a schema's types are fixed once it is built).
_PLANS: weakref.WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], FieldPlan]] = (
    weakref.WeakKeyDictionary()
)


class Shape:
    """Builds the response of a translated read: the value graphql-core would complete."""

    def __init__(self, schema: Any, context: Context) -> None:
        self.schema = schema
        self.sees_personal_data = (
            context.principal is not None and context.principal.sees_personal_data
        )
        self.plans = _PLANS.setdefault(schema, {})

    def node(
        self, type_name: str, selections: Iterable[Selection], record: Any
    ) -> dict[str, Any] | None:
        if record is None:
            return None
        instance = NODES[type_name].from_record(record)
        out: dict[str, Any] = {}
        for selection in selections:
            if selection.name == "__typename":
                out[selection.key] = type_name
                continue
            plan = self.plan(type_name, selection.name)
            if plan.is_property:
                value = getattr(instance, plan.python_name)
            elif plan.fetched:
                if selection.key not in instance.fetched:
                    raise Untranslatable(f"{type_name}.{selection.name} was not fetched")
                value = instance.fetched[selection.key]
                if plan.convert is not None:
                    value = plan.convert(value)
            else:
                raise Untranslatable(f"{type_name}.{selection.name} has no fragment")
            out[selection.key] = plan.complete(self, selection, value)
        return out

    def plan(self, type_name: str, field_name: str) -> FieldPlan:
        plan = self.plans.get((type_name, field_name))
        if plan is None:
            object_type = self.schema.type_map[type_name]
            plan = self.plans[type_name, field_name] = FieldPlan.of(object_type, field_name)
        return plan

    def assignment(
        self, output: GraphQLObjectType, selections: Iterable[Selection], record: Any
    ) -> dict[str, Any]:
        instance = TagAssignment.from_record(record)
        out: dict[str, Any] = {}
        for selection in selections:
            if selection.name == "__typename":
                out[selection.key] = output.name
            elif selection.name == "tag":
                out[selection.key] = self.node("Tag", selection.children, record["tag"])
            else:
                out[selection.key] = self.attribute(output, selection, instance)
        return out

    def record(
        self, output: GraphQLObjectType, selections: Iterable[Selection], instance: Any
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for selection in selections:
            if selection.name == "__typename":
                out[selection.key] = output.name
            else:
                out[selection.key] = self.attribute(output, selection, instance)
        return out

    def attribute(self, output: GraphQLObjectType, selection: Selection, instance: Any) -> Any:
        """A field of a value type (a tag assignment, a stage span): its attribute, completed."""
        plan = self.plan(output.name, selection.name)
        return plan.complete(self, selection, getattr(instance, plan.python_name))

    def edge(
        self, edge_type: str, node_type: str, selections: Iterable[Selection], row: EdgeRow[Any]
    ) -> dict[str, Any]:
        return {
            field.key: _edge_field(self, edge_type, node_type, field, row) for field in selections
        }

    def connection(
        self, output: GraphQLObjectType, selection: Selection, page: Page[Any]
    ) -> dict[str, Any]:
        """A Relay connection from a page fetched with `first + 1` rows (the extra row means
        there is a next page). Cursors are encoded only where selected: a page of 100 whose
        client asks for `endCursor` encodes one, not 100 (2.8 us each, measured)."""
        size = selection.params["limit"] - 1
        rows = page.rows[:size]
        edge_type = get_named_type(output.fields["edges"].type)
        assert isinstance(edge_type, GraphQLObjectType)
        node_type = get_named_type(edge_type.fields["node"].type).name
        out: dict[str, Any] = {}
        for part in selection.children:
            if part.name == "__typename":
                out[part.key] = output.name
            elif part.name == "totalCount":
                out[part.key] = page.total
            elif part.name == "pageInfo":
                out[part.key] = {
                    field.key: _page_info(field.name, rows, selection.params, len(page.rows) > size)
                    for field in part.children
                }
            elif part.name == "edges":
                out[part.key] = [
                    self.edge(edge_type.name, node_type, part.children, row) for row in rows
                ]
            else:
                raise Untranslatable(f"{output.name}.{part.name}")
        return out


def _page_info(
    name: str, rows: list[EdgeRow[Any]], params: dict[str, Any], has_next_page: bool
) -> Any:
    """A PageInfo field of a forward page, as the resolvers give it (`edge_page`)."""
    if name == "__typename":
        return "PageInfo"
    if name == "hasNextPage":
        return has_next_page
    if name == "hasPreviousPage":
        return after_a_cursor(params)
    if name == "startCursor":
        return encode_cursor(rows[0]["key"]) if rows else None
    if name == "endCursor":
        return encode_cursor(rows[-1]["key"]) if rows else None
    raise Untranslatable(f"PageInfo.{name}")


def _edge_field(
    shape: Shape, edge_type: str, node_type: str, field: Selection, row: EdgeRow[Any]
) -> Any:
    if field.name == "cursor":
        return encode_cursor(row["key"])
    if field.name == "__typename":
        return edge_type
    return shape.node(node_type, field.children, row["node"])
