"""Access control through the schema: the role table, masking, the audit trail, limits.

Every document runs against the real schema and Neo4j with the principal a token would give
(tokens themselves: tests/test_tokens.py; over HTTP and WebSocket: test_security_http.py).
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from graph.db import Graph
from schema.root import make_schema, schema
from schema.security import DOCUMENT_CACHE
from security.roles import MUTATION_AREAS, WRITES, Principal, Role
from tests.api.conftest import Api, snapshot

# One document per mutation; each would change the shop if it ran (or fail on its own terms).
MUTATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "upsertCustomer": (
        "mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }",
        {"i": {"id": "c9", "name": "Zed", "email": "zed@example.com"}},
    ),
    "eraseCustomer": ('mutation { eraseCustomer(id: "nope") }', {}),
    "mergeCustomers": ('mutation { mergeCustomers(into: "c1", from: ["nope"]) { id } }', {}),
    "createTask": ('mutation { createTask(customerId: "c1", title: "Call") { id } }', {}),
    "updateTask": ('mutation { updateTask(id: "nope", status: DONE) { id } }', {}),
    "recordInteraction": (
        'mutation { recordInteraction(input: {customerId: "c1", type: CALL}) { id } }',
        {},
    ),
    "updateTicket": ('mutation { updateTicket(id: "nope", input: {status: CLOSED}) { id } }', {}),
    "assignTags": ('mutation { assignTags(customerId: "c3", tags: ["Risk"]) { id } }', {}),
    "removeTags": ('mutation { removeTags(customerId: "c1", tags: ["VIP"]) { id } }', {}),
    "setStage": ('mutation { setStage(customerId: "c3", stage: NEW) { id } }', {}),
    "createTag": ('mutation { createTag(name: "Fresh") { id } }', {}),
    "renameTag": ('mutation { renameTag(name: "Risk", newName: "Danger") { id } }', {}),
    "mergeTags": ('mutation { mergeTags(sources: ["Fresh"], into: "Gold") { id } }', {}),
    "deprecateTag": ('mutation { deprecateTag(name: "Danger") { id } }', {}),
    "updateTag": ('mutation { updateTag(name: "VIP", description: "Big") { name } }', {}),
    "createTagRule": (
        'mutation { createTagRule(name: "r", tag: "Gold", definition: {regions: ["East"]}) '
        "{ id } }",
        {},
    ),
    "updateTagRule": ('mutation { updateTagRule(id: "nope", name: "r2") { id } }', {}),
    "setTagRuleEnabled": ('mutation { setTagRuleEnabled(id: "nope", enabled: false) { id } }', {}),
    "runTagRules": ("mutation { runTagRules { added } }", {}),
    "createLinkageRule": (
        'mutation { createLinkageRule(input: {name: "l", whenTagAdded: "VIP", '
        'action: CREATE_TASK, taskTitle: "Call"}) { id } }',
        {},
    ),
    "updateLinkageRule": (
        'mutation { updateLinkageRule(id: "nope", input: {name: "l", tag: "VIP", '
        'action: CREATE_TASK, taskTitle: "Call"}) { id } }',
        {},
    ),
    "setLinkageRuleEnabled": (
        'mutation { setLinkageRuleEnabled(id: "nope", enabled: false) { id } }',
        {},
    ),
    "deleteLinkageRule": ('mutation { deleteLinkageRule(id: "nope") }', {}),
    "saveSegment": (
        'mutation { saveSegment(name: "s", definition: {allTags: ["VIP"]}) { id } }',
        {},
    ),
    "deleteSegment": ('mutation { deleteSegment(id: "nope") }', {}),
    "snapshotSegment": ('mutation { snapshotSegment(id: "nope") { id } }', {}),
}


# What each mutation does when its role may run it (in this order, on the shop): nothing
# (it succeeds) or its own refusal (an unknown id), never anything else.
ALLOWED_OUTCOME: dict[str, str | None] = dict.fromkeys(MUTATIONS) | {
    "updateTagRule": "NOT_FOUND",
    "setTagRuleEnabled": "NOT_FOUND",
    "deleteSegment": "NOT_FOUND",
    "snapshotSegment": "NOT_FOUND",
    "eraseCustomer": "NOT_FOUND",
    "mergeCustomers": "NOT_FOUND",
    "updateTask": "NOT_FOUND",
    "updateTicket": "NOT_FOUND",
    "updateLinkageRule": "NOT_FOUND",
    "setLinkageRuleEnabled": "NOT_FOUND",
    "deleteLinkageRule": "NOT_FOUND",
}


def codes(result: Any) -> list[str | None]:
    return [(error.extensions or {}).get("code") for error in result.errors or []]


def test_every_mutation_has_a_write_area_and_a_matrix_document() -> None:
    served = set(schema._schema.mutation_type.fields)  # type: ignore[union-attr]
    assert served == set(MUTATION_AREAS)
    assert served == set(MUTATIONS)


@pytest.mark.parametrize("role", list(Role))
async def test_role_matrix_for_writes(api: Api, shop: Graph, role: Role) -> None:
    """Each role runs each mutation: outside its areas FORBIDDEN and nothing changes; inside,
    exactly what the mutation does for an admin (it succeeds, or refuses an unknown id), and
    one audit entry for each that succeeded."""
    as_role = api.as_role(role)
    succeeded = []
    for name, (document, variables) in MUTATIONS.items():
        before = await snapshot(shop)
        result = await as_role.execute(document, **variables)
        if MUTATION_AREAS[name] in WRITES[role]:
            expected = ALLOWED_OUTCOME[name]
            assert codes(result) == ([] if expected is None else [expected]), (role, name)
            if expected is None:
                assert result.data is not None and result.data[name] is not None
                assert await snapshot(shop) != before or name == "runTagRules", (role, name)
                succeeded.append(name)
        else:
            assert codes(result) == ["FORBIDDEN"], (role, name, result.errors)
            assert result.data is None
            assert await snapshot(shop) == before, (role, name)
            assert name in result.errors[0].message  # type: ignore[index]
    entries = await shop.run_text(
        "tests/audit", "MATCH (e:AuditEntry) RETURN e.action AS a, e.actor AS actor ORDER BY e.at"
    )
    assert [row["a"] for row in entries] == succeeded
    assert {row["actor"] for row in entries} <= {"tester"}
    assert succeeded == [
        name
        for name, area in MUTATION_AREAS.items()
        if area in WRITES[role] and ALLOWED_OUTCOME[name] is None
    ]


@pytest.mark.parametrize("role", list(Role))
async def test_role_matrix_for_reads(api: Api, shop: Graph, role: Role) -> None:
    as_role = api.as_role(role)
    data = await as_role("{ customers(first: 5) { totalCount } tags { name } }")
    assert data["customers"]["totalCount"] == 3
    result = await as_role.execute("{ auditLog { totalCount } }")
    assert codes(result) == ([] if role is Role.ADMIN else ["FORBIDDEN"])


async def test_no_token_is_unauthenticated_for_everything(api: Api, shop: Graph) -> None:
    anonymous = api.as_role()
    for document in [
        "{ customers { totalCount } }",
        "{ __typename }",
        "{ __schema { types { name } } }",
    ]:
        result = await anonymous.execute(document)
        assert codes(result) == ["UNAUTHENTICATED"] and result.data is None
    before = await snapshot(shop)
    result = await anonymous.execute(MUTATIONS["createTag"][0])
    assert codes(result) == ["UNAUTHENTICATED"]
    assert await snapshot(shop) == before


async def test_a_token_without_c360_roles_reads_nothing(api: Api, shop: Graph) -> None:
    stranger = api.as_role("superuser")  # a role c360 does not know is dropped
    result = await stranger.execute("{ customers { totalCount } }")
    assert codes(result) == ["FORBIDDEN"]


async def test_a_forbidden_field_hidden_in_a_fragment_is_still_forbidden(
    api: Api, shop: Graph
) -> None:
    viewer = api.as_role(Role.VIEWER)
    document = """
      query { ...F }
      fragment F on Query { customers { totalCount } ... on Query { auditLog { totalCount } } }
    """
    result = await viewer.execute(document)
    assert codes(result) == ["FORBIDDEN"] and result.data is None


async def test_one_forbidden_mutation_refuses_the_whole_request(api: Api, shop: Graph) -> None:
    sales = api.as_role(Role.SALES)
    before = await snapshot(shop)
    result = await sales.execute(
        'mutation { setStage(customerId: "c3", stage: NEW) { id } createTag(name: "X") { id } }'
    )
    assert codes(result) == ["FORBIDDEN"]
    assert await snapshot(shop) == before


PERSONAL = '{ customer(id: "c1") { email phone birthDate name } }'


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, ("alice@example.com", "+8613812345678", "1990-04-01")),
        (Role.MARKETER, ("alice@example.com", "+8613812345678", "1990-04-01")),
        (Role.SALES, ("alice@example.com", "+8613812345678", "1990-04-01")),
        (Role.ANALYST, ("a***@example.com", "+86*******5678", None)),
        (Role.VIEWER, ("a***@example.com", "+86*******5678", None)),
    ],
)
async def test_personal_data_is_masked_for_roles_without_it(
    api: Api, shop: Graph, role: Role, expected: tuple[str, str, str | None]
) -> None:
    as_role = api.as_role(role)
    customer = (await as_role(PERSONAL))["customer"]
    assert (customer["email"], customer["phone"], customer["birthDate"]) == expected
    assert customer["name"] == "Alice"  # not personal data by the contract
    page = await as_role("{ customers(first: 1) { edges { node { email phone birthDate } } } }")
    node = page["customers"]["edges"][0]["node"]
    assert (node["email"], node["phone"], node["birthDate"]) == expected
    # nested: a tag's holders are Customers too
    holders = await as_role('{ tag(name: "Gold") { customers { edges { node { email } } } } }')
    assert holders["tag"]["customers"]["edges"][0]["node"]["email"] == expected[0]


async def test_a_successful_mutation_writes_one_audit_entry_with_masked_arguments(
    api: Api, shop: Graph
) -> None:
    sales = api.as_role(Role.SALES, subject="li.lei")
    document, variables = MUTATIONS["upsertCustomer"]
    await sales(document, **variables)
    log = await api("{ auditLog { totalCount edges { node { actor action arguments at } } } }")
    assert log["auditLog"]["totalCount"] == 1
    entry = log["auditLog"]["edges"][0]["node"]
    assert entry["actor"] == "li.lei"
    assert entry["action"] == "upsertCustomer"
    arguments = json.loads(entry["arguments"])
    assert arguments == {"input": {"id": "c9", "name": "Zed", "email": "z***@example.com"}}
    assert "zed@example.com" not in entry["arguments"]


@pytest.mark.parametrize(
    "document",
    [
        'mutation { assignTags(customerId: "nope", tags: ["VIP"]) { id } }',
        # fails after part of the work: one tag is fine, the other unknown
        'mutation { assignTags(customerId: "c3", tags: ["Risk", "Unknown"]) { id } }',
        'mutation { createTag(name: "VIP") { id } }',  # taken
        'mutation { setStage(customerId: "nope", stage: NEW) { id } }',
    ],
)
async def test_a_failed_mutation_leaves_no_audit_entry_and_no_change(
    api: Api, shop: Graph, document: str
) -> None:
    before = await snapshot(shop)
    result = await api.execute(document)
    assert result.errors
    assert await snapshot(shop) == before
    log = await api("{ auditLog { totalCount } }")
    assert log["auditLog"]["totalCount"] == 0


async def test_mutation_and_entry_commit_together(api: Api, shop: Graph) -> None:
    """A mutation's writes and its entry are one transaction: when the entry cannot be
    written (a uniqueness constraint on `action`, set up here as a trap), the change is
    rolled back with it."""
    await shop.run_text(
        "tests/audit_trap",
        "CREATE CONSTRAINT audit_trap IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.action IS UNIQUE",
        write=True,
    )
    try:
        await api('mutation { createTag(name: "First") { id } }')
        before = await snapshot(shop)
        result = await api.execute('mutation { createTag(name: "Doomed") { id } }')
        assert result.errors  # the second createTag entry breaks the trap constraint
        assert await snapshot(shop) == before
        assert (await api('{ tag(name: "Doomed") { id } }'))["tag"] is None
    finally:
        await shop.run_text("tests/audit_trap", "DROP CONSTRAINT audit_trap", write=True)


async def test_audit_log_pages_newest_first(api: Api, shop: Graph) -> None:
    for name in ["A1", "A2", "A3"]:
        await api(f'mutation {{ createTag(name: "{name}") {{ id }} }}')
    page = await api(
        "{ auditLog(first: 2) { edges { node { arguments } } pageInfo { hasNextPage endCursor } } }"
    )
    names = [json.loads(e["node"]["arguments"])["name"] for e in page["auditLog"]["edges"]]
    assert names == ["A3", "A2"]
    assert page["auditLog"]["pageInfo"]["hasNextPage"] is True
    after = page["auditLog"]["pageInfo"]["endCursor"]
    rest = await api(
        "query($a: String) { auditLog(first: 2, after: $a) { edges { node { arguments } } } }",
        a=after,
    )
    assert [json.loads(e["node"]["arguments"])["name"] for e in rest["auditLog"]["edges"]] == ["A1"]


async def test_abuse_limits(api: Api, shop: Graph) -> None:
    deep = "{ customers { edges { node { tags { " + "children { " * 8 + "name" + " }" * 13
    assert "exceeds maximum operation depth" in (await api.errors(deep))[0]["message"]
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"
    assert "aliases" in (await api.errors(aliases))[0]["message"].lower()
    big_page = await api.errors("{ customers(first: 1001) { totalCount } }")
    assert big_page[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_introspection_can_be_turned_off(api: Api, shop: Graph) -> None:
    closed = make_schema(api.settings.model_copy(update={"introspection": False}))
    result = await closed.execute("{ __schema { types { name } } }", context_value=api.context())
    assert result.errors and "introspection" in result.errors[0].message.lower()
    still = await closed.execute("{ customers { totalCount } }", context_value=api.context())
    assert still.errors is None


def test_the_audit_api_is_the_contracts() -> None:
    """security.md: `type AuditEntry { id: ID!  actor: String!  action: String!
    arguments: String!  at: DateTime! }` and `auditLog(first: Int = 50, after: String):
    AuditEntryConnection!`, newest first."""
    served = schema._schema
    entry = served.type_map["AuditEntry"]
    assert {name: str(f.type) for name, f in entry.fields.items()} == {  # type: ignore[attr-defined]
        "id": "ID!",
        "actor": "String!",
        "action": "String!",
        "arguments": "String!",
        "at": "DateTime!",
    }
    audit_log = served.query_type.fields["auditLog"]  # type: ignore[union-attr]
    assert str(audit_log.type) == "AuditEntryConnection!"
    assert {name: (str(a.type), a.default_value) for name, a in audit_log.args.items()} == {
        "first": ("Int", 50),
        "after": ("String", None),
    }


async def test_map_captions_carry_no_personal_data(api: Api, shop: Graph) -> None:
    viewer = api.as_role(Role.VIEWER)
    view = await viewer('{ customerMap(customerId: "c1") { nodes { caption } } }')
    captions = " ".join(node["caption"] for node in view["customerMap"]["nodes"])
    assert "Alice" in captions
    for secret in ["alice@example.com", "13812345678", "1990"]:
        assert secret not in captions


async def test_a_repeated_document_is_parsed_and_validated_once(api: Api, shop: Graph) -> None:
    """The limits' validation rules are built once per schema, so ValidationCache can hit
    (strawberry's limiters make new rule classes with every instance)."""
    parsed = _get_parse_cache(DOCUMENT_CACHE)
    validated = _get_validate_cache(DOCUMENT_CACHE)
    document = f'{{ n{secrets.token_hex(4)}: customer(id: "c1") {{ name }} }}'  # new to the caches
    before = (parsed.cache_info(), validated.cache_info())
    for _ in range(3):
        await api(document)
    after = (parsed.cache_info(), validated.cache_info())
    for old, new in zip(before, after, strict=True):
        assert (new.misses - old.misses, new.hits - old.hits) == (1, 2)


async def test_an_expired_principal_is_refused_whatever_it_asks(api: Api, shop: Graph) -> None:
    """A socket's token is checked at connection_init; an operation sent on it after `exp`
    is refused like a request without a token, and writes nothing."""
    expired = Principal.of("late", [Role.ADMIN], expires=time.time() - 1)
    as_expired = Api(api.graph, api.settings, expired)
    before = await snapshot(shop)
    for document in ["{ customers { totalCount } }", MUTATIONS["createTag"][0]]:
        result = await as_expired.execute(document)
        assert result.data is None
        assert [(e.message, codes(result)) for e in result.errors or []] == [
            ("the bearer token has expired", ["UNAUTHENTICATED"])
        ]
    assert await snapshot(shop) == before
    valid = Principal.of("on time", [Role.ADMIN], expires=time.time() + 60)
    assert (await Api(api.graph, api.settings, valid).execute("{ __typename }")).errors is None


AGE_PROBE = """
query ($asOf: DateTime) {
  segmentPreview(definition: {minAge: 35}, asOf: $asOf) { count }
}
"""


async def test_a_masked_birth_date_cannot_be_inferred_through_age_and_as_of(
    api: Api, shop: Graph
) -> None:
    """The probe that found c1's birthDate (1990-04-01) in 10 requests: an age condition
    evaluated at asOf moved day by day. For roles that see birthDate masked, age conditions
    hold as of today only, in previews and in saved segments' count and customers."""
    # what the probe relied on: c1 turns 35 on 2025-04-01
    before, on = "2025-03-31T12:00:00Z", "2025-04-01T12:00:00Z"
    counts = [(await api(AGE_PROBE, asOf=t))["segmentPreview"]["count"] for t in (before, on)]
    assert counts == [0, 1]  # an admin sees birthDate anyway
    saved = await api('mutation { saveSegment(name: "35+", definition: {minAge: 35}) { id } }')
    segment_id = saved["saveSegment"]["id"]
    for role in (Role.VIEWER, Role.ANALYST):
        as_role = api.as_role(role)
        for document, variables in [
            (AGE_PROBE, {"asOf": on}),
            ('query ($id: ID!, $asOf: DateTime) { segment(id: $id) { count(asOf: $asOf) } }',
             {"id": segment_id, "asOf": on}),
            ("query ($id: ID!, $asOf: DateTime) { segment(id: $id) "
             "{ customers(asOf: $asOf) { totalCount } } }", {"id": segment_id, "asOf": before}),
            ("query ($asOf: DateTime) { customers(where: {minAge: 35}, asOf: $asOf) "
             "{ totalCount } }", {"asOf": on}),
        ]:  # fmt: skip
            result = await as_role.execute(document, **variables)
            assert [(e.message, e.extensions) for e in result.errors or []] == [(
                "asOf: a definition with minAge or maxAge is evaluated as of today only for "
                "roles that see birthDate masked; leave asOf out",
                {"code": "FORBIDDEN", "field": "asOf"},
            )], (role, document)  # fmt: skip
        # as of now (asOf left out, or today): answered like the admin's
        today = api_now_iso()
        for moment in (None, today):
            result = await as_role.execute(AGE_PROBE, asOf=moment)
            assert result.errors is None and result.data == {"segmentPreview": {"count": 1}}
        # a definition without an age condition keeps any asOf
        no_age = await as_role.execute(
            'query { segmentPreview(definition: {regions: ["East"]}, asOf: "2020-01-01T00:00:00Z")'
            " { count } }"
        )
        assert no_age.errors is None and no_age.data == {"segmentPreview": {"count": 1}}
    # nested in or/not it is still an age condition
    nested = await api.as_role(Role.VIEWER).execute(
        'query { segmentPreview(definition: {or: [{regions: ["East"]}, {not: {maxAge: 20}}]},'
        ' asOf: "2020-01-01T00:00:00Z") { count } }'
    )
    assert [e.extensions for e in nested.errors or []] == [{"code": "FORBIDDEN", "field": "asOf"}]


def api_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
