"""CALL_WEBHOOK linkage rules against a real HTTP server on loopback that fails when told to:
signed bodies, one rule's events in order, retries with back-off, giving up, one sender per
rule across replicas, and the sender `c360 serve` runs."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest

from core.settings import Settings
from graph import changes
from graph.db import Graph
from graph.rules.webhooks import WebhookSender, retry_delay
from security.signing import verify, webhook_secret
from tests.api.conftest import Api
from tests.api.live import mutate
from tests.conftest import free_port, serving

ASSIGN = "mutation ($id: ID!, $t: [String!]!) { assignTags(customerId: $id, tags: $t) { id } }"
CREATE = """
mutation ($input: LinkageRuleInput!) { createLinkageRule(input: $input) { id } }
"""
COUNTS = "{ linkageRules { name deliveries failures abandoned lastError } }"


@dataclass
class Hit:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.body)["event"]
        return event


@dataclass
class Receiver:
    """Answers each POST with the next status of `script` (then 200) and keeps what came."""

    script: list[int] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    url: str = ""

    def seen(self) -> list[tuple[str, int]]:
        return [(hit.event["customerId"], hit.status) for hit in self.hits]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = got.script.pop(0) if got.script else 200
            got.hits.append(Hit(dict(self.headers), body, status))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/c360?k=1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield got
    server.shutdown()
    server.server_close()


def secret_of(settings: Settings) -> bytes:
    secret = webhook_secret(settings)
    assert secret is not None  # tests/conftest.py sets C360_WEBHOOK_SECRET
    return secret


def sender(graph: Graph, settings: Settings, **options: Any) -> WebhookSender:
    fast = {"retry": timedelta(milliseconds=50), "poll_s": 0.01, "timeout_s": 5.0}
    return WebhookSender(graph, secret_of(settings), **(fast | options))


async def pending(graph: Graph) -> int:
    rows = await graph.run_text("tests/pending", "MATCH (d:PendingDelivery) RETURN count(d) AS n")
    return int(rows[0]["n"])


async def drain(graph: Graph, *senders: WebhookSender, rounds: int = 100) -> None:
    """Step the senders until the outbox is empty (retries wait their back-off)."""
    for _ in range(rounds):
        await asyncio.gather(*(s.step() for s in senders))
        if not await pending(graph):
            return
        await asyncio.sleep(0.06)
    raise AssertionError("deliveries still pending")


async def webhook_rule(api: Api, url: str, name: str = "Hook", tag: str = "Risk") -> str:
    input = {"name": name, "tag": tag, "action": "CALL_WEBHOOK", "webhookUrl": url}
    rule_id: str = (await api(CREATE, input=input))["createLinkageRule"]["id"]
    return rule_id


async def test_signed_in_order_and_retried_until_answered(
    api: Api, shop: Graph, settings: Settings, receiver: Receiver
) -> None:
    rule_id = await webhook_rule(api, receiver.url)
    receiver.script = [500, 503]  # the first two attempts fail
    for customer in ("c1", "c2", "c3"):
        await api(ASSIGN, id=customer, t=["Risk"])
    async with sender(shop, settings) as s:
        await drain(shop, s)
    # c2's and c3's events wait until c1's is through: one rule's events arrive in order
    assert receiver.seen() == [("c1", 500), ("c1", 503), ("c1", 200), ("c2", 200), ("c3", 200)]
    secret = secret_of(settings)
    for hit in receiver.hits:
        assert verify(hit.body, hit.headers["X-C360-Signature"], secret)
        assert hit.headers["Content-Type"] == "application/json"
    assert not verify(
        receiver.hits[0].body + b" ", receiver.hits[0].headers["X-C360-Signature"], secret
    )
    ids = [hit.headers["X-C360-Delivery"] for hit in receiver.hits]
    assert ids[0] == ids[1] == ids[2] and len(set(ids)) == 3  # a retry is the same delivery
    first = json.loads(receiver.hits[0].body)
    assert first == {
        "deliveryId": ids[0],
        "rule": {"id": rule_id, "name": "Hook", "trigger": "TAG_ADDED"},
        "event": first["event"]
        | {"kind": "TAG_ADDED", "customerId": "c1", "actor": "tester", "tag": "Risk",
           "stage": None, "source": "MANUAL"},
    }  # fmt: skip
    at = first["event"]["at"]  # as the API writes a DateTime: UTC, with a Z
    assert at.endswith("Z") and datetime.fromisoformat(at).tzinfo == UTC, at
    seqs = [int(hit.event["seq"]) for hit in receiver.hits[2:]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert receiver.hits[0].headers["X-C360-Event"] == "TAG_ADDED"
    counts = await api(COUNTS)
    assert counts["linkageRules"] == [
        {"name": "Hook", "deliveries": 3, "failures": 2, "abandoned": 0, "lastError": "HTTP 503"}
    ]


async def test_a_delivery_failing_too_long_is_given_up_and_the_next_goes(
    api: Api, shop: Graph, settings: Settings, receiver: Receiver
) -> None:
    await webhook_rule(api, receiver.url)
    receiver.script = [410]
    await api(ASSIGN, id="c1", t=["Risk"])
    await api(ASSIGN, id="c2", t=["Risk"])
    async with sender(shop, settings, give_up=timedelta(0)) as s:
        await drain(shop, s)
    assert receiver.seen() == [("c1", 410), ("c2", 200)]
    counts = await api(COUNTS)
    assert counts["linkageRules"] == [
        {"name": "Hook", "deliveries": 1, "failures": 1, "abandoned": 1, "lastError": "HTTP 410"}
    ]
    rows = await shop.run_text(
        "tests/abandoned",
        "MATCH (d:WebhookDelivery) RETURN d.customerId AS c, d.attempts AS attempts, "
        "d.abandonedAt IS NOT NULL AS abandoned, d.status AS status ORDER BY c",
    )
    assert rows == [
        {"c": "c1", "attempts": 1, "abandoned": True, "status": None},
        {"c": "c2", "attempts": 1, "abandoned": False, "status": 200},
    ]


async def test_an_unreachable_endpoint_is_a_failure_retried_later(
    api: Api, shop: Graph, settings: Settings
) -> None:
    await webhook_rule(api, f"http://127.0.0.1:{free_port()}/nobody")
    await api(ASSIGN, id="c1", t=["Risk"])
    async with sender(shop, settings, retry=timedelta(hours=1)) as s:
        assert await s.step() == 1
        assert await s.step() == 0  # not due again for an hour
    [rule] = (await api(COUNTS))["linkageRules"]
    assert (rule["deliveries"], rule["failures"]) == (0, 1)
    assert rule["lastError"].startswith("ConnectError")
    assert await pending(shop) == 1


async def test_one_sender_per_rule_across_replicas(
    api: Api, shop: Graph, settings: Settings, receiver: Receiver
) -> None:
    await webhook_rule(api, receiver.url)
    customers = ["c1", "c2", "c3"]
    for customer in customers:
        await api(ASSIGN, id=customer, t=["Risk"])
    # a replica that died holding the lease: nobody sends until it runs out
    await shop.run_text(
        "tests/lease",
        "MATCH (r:LinkageRule) "
        "SET r.leaseOwner = 'dead', r.leaseUntil = datetime() + duration('PT1H')",
        write=True,
    )
    one, two = sender(shop, settings), sender(shop, settings)
    async with one, two:
        assert await asyncio.gather(one.step(), two.step()) == [0, 0]
        await shop.run_text(
            "tests/lease", "MATCH (r:LinkageRule) SET r.leaseUntil = datetime()", write=True
        )
        await drain(shop, one, two)
    # each event once, in order, though two senders raced for the rule
    assert receiver.seen() == [(c, 200) for c in customers]


async def test_a_rule_that_stops_calling_a_webhook_drops_its_pending_deliveries(
    api: Api, shop: Graph, receiver: Receiver
) -> None:
    rule_id = await webhook_rule(api, receiver.url)
    await api(ASSIGN, id="c1", t=["Risk"])
    assert await pending(shop) == 1
    await api(
        "mutation ($id: ID!, $input: LinkageRuleInput!) "
        "{ updateLinkageRule(id: $id, input: $input) { id } }",
        id=rule_id,
        input={"name": "Hook", "tag": "Risk", "action": "ASSIGN_OWNER", "owners": ["a"]},
    )
    assert await pending(shop) == 0


def test_back_off_doubles_up_to_an_hour() -> None:
    first = timedelta(seconds=10)
    waits = [retry_delay(n, first).total_seconds() for n in (1, 2, 3, 4, 9, 30)]
    assert waits == [10, 20, 40, 80, 2560, 3600]


async def test_serve_sends_stage_and_tag_webhooks(
    shop: Graph, settings: Settings, receiver: Receiver
) -> None:
    receiver.script = [500]
    with serving(env={"C360_WEBHOOK_RETRY_S": "0.1"}) as url:
        for name, trigger in (
            ("Entered", "trigger: STAGE_ENTERED, stage: AT_RISK"),
            ("Lost", 'trigger: TAG_REMOVED, tag: "VIP"'),
        ):
            await mutate(
                url,
                f'mutation {{ createLinkageRule(input: {{name: "{name}", {trigger}, '
                f'action: CALL_WEBHOOK, webhookUrl: "{receiver.url}"}}) {{ id }} }}',
            )  # fmt: skip
        await mutate(url, 'mutation { setStage(customerId: "c3", stage: AT_RISK) { id } }')
        await mutate(url, 'mutation { removeTags(customerId: "c2", tags: ["VIP"]) { id } }')
        for _ in range(200):
            if len(receiver.hits) >= 3 and not await pending(shop):
                break
            await asyncio.sleep(0.05)
    events = sorted(
        (
            hit.event["kind"],
            hit.event["customerId"],
            hit.event["stage"],
            hit.event["tag"],
            hit.status,
        )
        for hit in receiver.hits
    )
    assert events == [
        ("STAGE_CHANGED", "c3", "AT_RISK", None, 200),
        ("STAGE_CHANGED", "c3", "AT_RISK", None, 500),
        ("TAG_REMOVED", "c2", None, "VIP", 200),
    ] or events == [
        ("STAGE_CHANGED", "c3", "AT_RISK", None, 200),
        ("TAG_REMOVED", "c2", None, "VIP", 200),
        ("TAG_REMOVED", "c2", None, "VIP", 500),
    ]  # the two rules are sent to concurrently: either one's first attempt got the 500
    secret = secret_of(settings)
    assert all(verify(h.body, h.headers["X-C360-Signature"], secret) for h in receiver.hits)
    assert orjson.loads(receiver.hits[-1].body)["rule"]["trigger"] in {
        "STAGE_ENTERED",
        "TAG_REMOVED",
    }


async def test_only_who_may_change_rules_sees_the_whole_address(api: Api, shop: Graph) -> None:
    url = "https://hooks.example.com/c360?token=s3cret"
    await webhook_rule(api, url)
    shown = {
        role: (await api.as_role(role)("{ linkageRules { webhookUrl } }"))["linkageRules"]
        for role in ("admin", "marketer", "analyst", "viewer", "sales")
    }
    assert shown == {
        "admin": [{"webhookUrl": url}],
        "marketer": [{"webhookUrl": url}],
        "analyst": [{"webhookUrl": "https://hooks.example.com/…"}],
        "viewer": [{"webhookUrl": "https://hooks.example.com/…"}],
        "sales": [{"webhookUrl": "https://hooks.example.com/…"}],
    }


async def test_no_webhook_rule_without_a_secret_to_sign_with(
    api: Api, shop: Graph, settings: Settings
) -> None:
    unsigned = Api(shop, settings.model_copy(update={"webhook_secret": None}))
    assert not unsigned.settings.uses_local_neo4j  # so no generated secret either
    input = {"name": "Hook", "tag": "Risk", "action": "CALL_WEBHOOK", "webhookUrl": "https://x/"}
    error = await unsigned.error(CREATE, input=input)
    assert (error["message"], error["extensions"]["code"]) == (
        "input.action: CALL_WEBHOOK needs C360_WEBHOOK_SECRET on the server",
        "BAD_USER_INPUT",
    )
    assert (await api("{ linkageRules { id } }")) == {"linkageRules": []}


async def test_retention_deletes_old_deliveries_that_are_done(shop: Graph) -> None:
    await shop.run_text(
        "tests/deliveries",
        """
        UNWIND [['old-delivered', 40, false], ['old-abandoned', 40, false],
                ['old-pending', 40, true], ['new-delivered', 1, false]] AS d
        CREATE (n:WebhookDelivery {id: d[0], ruleId: 'r', eventSeq: 1,
                                   createdAt: datetime() - duration({days: d[1]})})
        FOREACH (_ IN CASE WHEN d[2] THEN [1] ELSE [] END | SET n:PendingDelivery)
        """,
        write=True,
    )
    report = await changes.prune(shop, changes.retention_cutoff(30), batch=1)
    assert report.deliveries == 2
    rows = await shop.run_text(
        "tests/left", "MATCH (d:WebhookDelivery) RETURN d.id AS id ORDER BY id"
    )
    assert [row["id"] for row in rows] == ["new-delivered", "old-pending"]
