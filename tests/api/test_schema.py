"""The served schema: committed SDL (so changes show in review) and the contract kept.

After a deliberate schema change, refresh the committed SDL with
`C360_UPDATE_SCHEMA=1 .venv/bin/pytest tests/api/test_schema.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    print_ast,
)

from schema.root import schema

ROOT = Path(__file__).resolve().parents[2]
SDL = ROOT / "docs" / "schema.graphql"
# Copies of the contract's schema.graphql and its tags.graphql extension, so the check runs
# in a bare clone too.
CONTRACT = Path(__file__).with_name("contract_schema.graphql")
CONTRACT_TAGS = Path(__file__).with_name("contract_tags.graphql")
SHARED = ROOT.parent / "shared" / "contract"
SHARED_CONTRACT = SHARED / "schema.graphql"

# Defaults a later contract file redefines: customers.graphql's Query.customers has `first:
# Int` without a default (it pages backward with `last`; neither given: 20).
REDEFINED_DEFAULTS: dict[tuple[str, str, str], str | None] = {
    ("Query", "customers", "first"): None,
}
# Types service.graphql loosens: a linkage rule's tag is optional (`trigger: TAG_ADDED, tag:
# X` says the same; STAGE_ENTERED rules have none), so `whenTagAdded` may be null.
REDEFINED_TYPES: dict[tuple[str, str], str] = {
    ("LinkageRuleInput", "whenTagAdded"): "String",
    ("LinkageRule", "whenTagAdded"): "Tag",
}
# Contract parts that later issues build (none left).
NOT_YET: dict[str, set[str]] = {"Query": set(), "Mutation": set()}
NOT_YET_TYPES: set[str] = set()


def test_committed_sdl_is_the_served_schema() -> None:
    served = str(schema) + "\n"
    if os.environ.get("C360_UPDATE_SCHEMA"):
        SDL.write_text(served, encoding="utf-8")
    assert SDL.read_text(encoding="utf-8") == served, (
        "docs/schema.graphql is stale: see this module's docstring"
    )


def contract() -> GraphQLSchema:
    """schema.graphql with the tags.graphql extension applied."""
    tags = CONTRACT_TAGS.read_text(encoding="utf-8")
    # schema.graphql has no Subscription type for tags.graphql to extend: it starts one.
    tags = tags.replace("extend type Subscription", "type Subscription")
    return build_schema(CONTRACT.read_text(encoding="utf-8") + "\n" + tags)


@pytest.mark.skipif(not SHARED_CONTRACT.exists(), reason="no shared contract folder here")
@pytest.mark.parametrize(
    ("copy", "name"), [(CONTRACT, "schema.graphql"), (CONTRACT_TAGS, "tags.graphql")]
)
def test_contract_copies_are_current(copy: Path, name: str) -> None:
    assert copy.read_text(encoding="utf-8") == (SHARED / name).read_text(encoding="utf-8")


def served() -> GraphQLSchema:
    return build_schema(str(schema))


def problems(ours: GraphQLSchema, theirs: GraphQLSchema) -> list[str]:
    """Everything of `theirs` (minus NOT_YET) that `ours` lacks or types differently."""
    found: list[str] = []
    for name, want in theirs.type_map.items():
        if name.startswith("__") or name in NOT_YET_TYPES:
            continue
        have: GraphQLNamedType | None = ours.type_map.get(name)
        if have is None or type(have) is not type(want):
            found.append(f"type {name}: missing or of another kind")
            continue
        if isinstance(want, GraphQLEnumType):
            assert isinstance(have, GraphQLEnumType)
            missing = set(want.values) - set(have.values)
            found += [f"enum {name}: no value {value}" for value in sorted(missing)]
        elif isinstance(want, GraphQLObjectType):
            assert isinstance(have, GraphQLObjectType)
            found += object_problems(name, have, want)
        elif isinstance(want, GraphQLInputObjectType):
            assert isinstance(have, GraphQLInputObjectType)
            for field_name, field in want.fields.items():
                ours_field = have.fields.get(field_name)
                wanted = REDEFINED_TYPES.get((name, field_name), str(field.type))
                if ours_field is None or str(ours_field.type) != wanted:
                    found.append(f"input {name}.{field_name}: missing or not {field.type}")
            for field_name, field in have.fields.items():
                if field_name not in want.fields and isinstance(field.type, GraphQLNonNull):
                    found.append(f"input {name}.{field_name}: extra fields must be optional")
    return found


def default_of(arg: GraphQLArgument) -> str | None:
    """The default as written in the SDL (both schemas are built from SDL)."""
    node = arg.ast_node
    return print_ast(node.default_value) if node and node.default_value else None


def object_problems(name: str, have: GraphQLObjectType, want: GraphQLObjectType) -> list[str]:
    found: list[str] = []
    for field_name, field in want.fields.items():
        if field_name in NOT_YET.get(name, set()):
            continue
        where = f"{name}.{field_name}"
        ours = have.fields.get(field_name)
        if ours is None:
            found.append(f"{where}: missing")
            continue
        if str(ours.type) != REDEFINED_TYPES.get((name, field_name), str(field.type)):
            found.append(f"{where}: {ours.type}, contract says {field.type}")
        for arg_name, arg in field.args.items():
            our_arg = ours.args.get(arg_name)
            if our_arg is None:
                found.append(f"{where}({arg_name}): missing")
            elif str(our_arg.type) != str(arg.type):
                found.append(f"{where}({arg_name}): {our_arg.type}, contract says {arg.type}")
            elif default_of(our_arg) != default_of(arg) and REDEFINED_DEFAULTS.get(
                (name, field_name, arg_name), "-"
            ) != default_of(our_arg):
                found.append(
                    f"{where}({arg_name}): default {default_of(our_arg)}, "
                    f"contract says {default_of(arg)}"
                )
        for arg_name, arg in ours.args.items():
            extra = arg_name not in field.args
            if extra and isinstance(arg.type, GraphQLNonNull) and default_of(arg) is None:
                found.append(f"{where}({arg_name}): an extra argument must be optional")
    return found


def test_served_schema_keeps_the_contract() -> None:
    assert problems(served(), contract()) == []


def test_the_comparison_catches_differences() -> None:
    """The checker itself must be able to fail."""
    changed = build_schema(
        CONTRACT.read_text(encoding="utf-8")
        .replace("totalSpend: Float!", "totalSpend: Float")
        .replace(
            "first: Int = 20, after: String): CustomerConnection!\n  product",
            "first: Int = 10, after: String): CustomerConnection!\n  product",
        )
        .replace("  lastPurchaseAt: DateTime\n", "")
        .replace("enum InteractionType { PURCHASE", "enum InteractionType { BARTER")
        .replace("tag(name: String!): Tag", "tag(name: String): Tag")
    )
    assert problems(changed, build_schema(CONTRACT.read_text(encoding="utf-8"))) == [
        "enum InteractionType: no value PURCHASE",
        "Customer.totalSpend: Float, contract says Float!",
        "Customer.lastPurchaseAt: missing",
        "Query.customers(first): default 10, contract says 20",
        "Query.tag(name): String, contract says String!",
    ]


def test_served_extras() -> None:
    customer = served().type_map["Customer"]
    assert isinstance(customer, GraphQLObjectType)
    assert str(customer.fields["source"].type) == "String"
    assert str(customer.fields["updatedAt"].type) == "DateTime"
