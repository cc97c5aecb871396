"""Depth and alias limits as validation rules, counted through fragments once each.

Strawberry's QueryDepthLimiter and MaxAliasesLimiter expand every fragment spread where it
appears: 18 fragments each spreading the next one twice took 0.8 s of the event loop to
validate, and every further fragment doubles it (measured; 40 never finished). Here a
fragment's depth and alias count are computed once and reused at each spread, so validation
is linear in the document. Same limits, same messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)


class _Measure:
    """Depth and alias count of selection sets, each fragment's computed once. A fragment
    spread inside itself counts nothing there (NoFragmentCycles refuses the document)."""

    def __init__(self, definitions: Iterable[Any]) -> None:
        self.fragments = {
            definition.name.value: definition
            for definition in definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self._depths: dict[str, int] = {}
        self._aliases: dict[str, int] = {}
        self._open: set[tuple[str, str]] = set()

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__") or not selection.selection_set:
                    continue  # introspection is bounded by the schema; a leaf adds nothing
                deepest = max(deepest, 1 + self.depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment(selection.name.value, self._depths, "d"))
        return deepest

    def aliases(self, selection_set: SelectionSetNode | None) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += (selection.alias is not None) + self.aliases(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += self.aliases(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, self._aliases, "a")
        return total

    def _fragment(self, name: str, memo: dict[str, int], kind: str) -> int:
        if name in memo:
            return memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or (kind, name) in self._open:
            return 0
        self._open.add((kind, name))
        measure = self.depth if kind == "d" else self.aliases
        memo[name] = measure(fragment.selection_set)
        self._open.discard((kind, name))
        return memo[name]


def _operations(context: ValidationContext) -> list[OperationDefinitionNode]:
    return [d for d in context.document.definitions if isinstance(d, OperationDefinitionNode)]


def depth_limit(max_depth: int) -> type[ASTValidationRule]:
    """A rule refusing operations nested deeper than `max_depth` fields."""

    class DepthLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = _Measure(context.document.definitions)
            for operation in _operations(context):
                if measure.depth(operation.selection_set) > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    context.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            operation,
                        )
                    )

    return DepthLimit


def alias_limit(max_aliases: int) -> type[ASTValidationRule]:
    """A rule refusing documents with more than `max_aliases` aliases (through fragments)."""

    class AliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = _Measure(context.document.definitions)
            total = sum(measure.aliases(op.selection_set) for op in _operations(context))
            if total > max_aliases:
                context.report_error(GraphQLError(f"{total} aliases found. Allowed: {max_aliases}"))

    return AliasLimit
