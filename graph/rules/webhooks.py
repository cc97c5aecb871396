"""The webhook outbox of CALL_WEBHOOK linkage rules, and the sender that empties it.

When a CALL_WEBHOOK rule fires, the dispatcher writes a `(:WebhookDelivery:PendingDelivery
{ruleId, eventSeq, kind, customerId, ...})` in the same transaction that numbers the event
(cypher/tags/events/dispatch.cypher): the firing and its delivery commit together. Every
`c360 serve` runs a `WebhookSender`, which:

- leases a rule whose oldest pending delivery is due (one sender per rule across replicas;
  a lease left by a dead process runs out, and another replica takes over);
- POSTs the rule's deliveries in event order to its `webhookUrl`, as JSON signed with
  `X-C360-Signature: sha256=<HMAC of the body>` (security/signing.py), each only after the
  one before it was answered 2xx (or given up), so a receiver sees one rule's events in order;
- retries a failed delivery after C360_WEBHOOK_RETRY_S, doubling up to an hour, and gives it
  up after C360_WEBHOOK_GIVE_UP_H (24 h): the rule counts `deliveries`, `failures` (failed
  attempts) and `abandoned`.

Delivery is at least once: a sender that dies between the POST and recording it sends that
event again, with the same `X-C360-Delivery` id, which a receiver can use to drop repeats.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx2
import orjson

from core.settings import Settings
from graph.cleansing import format_datetime
from graph.db import Graph, Record, Tx
from security.signing import HEADER, signature, webhook_secret

log = logging.getLogger("c360.webhooks")

MAX_RETRY = timedelta(hours=1)  # the longest wait between two attempts
MAX_ERROR = 300  # characters of a failure kept on the delivery and the rule


@dataclass(frozen=True)
class Claim:
    """A leased rule and its next pending deliveries, oldest event first."""

    rule: Record
    deliveries: list[Record]


def body(rule: Record, delivery: Record) -> bytes:
    """What is POSTed: the rule and the event that fired it."""
    event = {
        "seq": str(delivery["eventSeq"]),
        "kind": delivery["kind"],
        "at": format_datetime(delivery["at"].to_native()),
        "customerId": delivery["customerId"],
        "actor": delivery.get("actor"),
        "tag": delivery.get("tag"),
        "stage": delivery.get("stage"),
        "source": delivery.get("source"),
    }
    return orjson.dumps(
        {
            "deliveryId": delivery["id"],
            "rule": {"id": rule["id"], "name": rule["name"], "trigger": rule.get("trigger")},
            "event": event,
        }
    )


def retry_delay(attempts: int, first: timedelta) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones: first, 2x, 4x... <= 1 h."""
    wait: timedelta = first * 2 ** max(attempts - 1, 0)
    return min(wait, MAX_RETRY)


class WebhookSender:
    def __init__(
        self,
        graph: Graph,
        secret: bytes,
        *,
        poll_s: float = 0.5,
        retry: timedelta = timedelta(seconds=10),
        give_up: timedelta = timedelta(hours=24),
        timeout_s: float = 10.0,
        rules: int = 20,
        batch: int = 20,
    ) -> None:
        self.graph = graph
        self.secret = secret
        self.poll_s = poll_s
        self.retry = retry
        self.give_up = give_up
        self.timeout_s = timeout_s
        self.rules = rules  # leased at once, each sent to concurrently
        self.batch = batch  # deliveries per lease
        # a lease outlives one slow POST; each delivery recorded extends it
        self.lease = timedelta(seconds=2 * timeout_s + 10)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._client: httpx2.AsyncClient | None = None

    async def __aenter__(self) -> WebhookSender:
        # redirects are not followed: a webhook answers itself, or fails
        self._client = httpx2.AsyncClient(timeout=self.timeout_s, follow_redirects=False)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def run(self) -> None:
        """Send forever (until cancelled); Neo4j being away only delays delivery."""
        async with self:
            while True:
                try:
                    sent = await self.step()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.warning("webhooks: Neo4j unavailable, retrying", exc_info=True)
                    sent = 0
                if not sent:
                    await asyncio.sleep(self.poll_s)

    async def step(self) -> int:
        """Lease the rules with due deliveries and send them; how many POSTs were made."""
        claims = await self.graph.in_transaction(self._claim)
        sent = await asyncio.gather(*(self._send(claim) for claim in claims))
        return sum(sent)

    async def _claim(self, tx: Tx) -> list[Claim]:
        now = datetime.now(UTC)
        locked = await tx.run("rules/webhooks/lock", now=now, rules=self.rules)
        if not locked:
            return []
        rows = await tx.run(
            "rules/webhooks/claim",
            ids=[row["id"] for row in locked],
            now=now,
            until=now + self.lease,
            owner=self.owner,
            batch=self.batch,
        )
        return [Claim(row["rule"], row["deliveries"]) for row in rows]

    async def _send(self, claim: Claim) -> int:
        """POST the claim's deliveries in order, stopping at the first that fails or is not
        due (a retry waits for its time); then free the lease."""
        sent = 0
        try:
            for delivery in claim.deliveries:
                now = datetime.now(UTC)
                if delivery["nextAttemptAt"].to_native() > now:
                    break
                sent += 1
                if not await self._post(claim.rule, delivery):
                    break
        finally:
            await self.graph.write("rules/webhooks/release", id=claim.rule["id"], owner=self.owner)
        return sent

    async def _post(self, rule: Record, delivery: Record) -> bool:
        """One attempt, recorded; True when it was answered 2xx."""
        payload = body(rule, delivery)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "c360-webhooks",
            HEADER: signature(payload, self.secret),
            "X-C360-Delivery": delivery["id"],
            "X-C360-Event": delivery["kind"],
        }
        assert self._client is not None, "use the sender as `async with sender:`"
        error: str | None
        try:
            response = await self._client.post(rule["webhookUrl"], content=payload, headers=headers)
        except httpx2.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
            status = None
        else:
            status = response.status_code
            error = None if 200 <= status < 300 else f"HTTP {status}"
        now = datetime.now(UTC)
        if error is None:
            await self.graph.write(
                "rules/webhooks/delivered",
                id=delivery["id"],
                status=status,
                now=now,
                owner=self.owner,
                until=now + self.lease,
            )
            return True
        created = delivery["createdAt"].to_native()
        attempts = int(delivery["attempts"]) + 1
        abandon = now - created >= self.give_up
        log.info(
            "webhook %s for rule %s failed (attempt %d): %s%s",
            delivery["id"],
            rule["id"],
            attempts,
            error,
            ", given up" if abandon else "",
        )
        await self.graph.write(
            "rules/webhooks/failed",
            id=delivery["id"],
            error=error,
            now=now,
            retryAt=now + retry_delay(attempts, self.retry),
            abandon=abandon,
        )
        return False


async def prune_done(graph: Graph, older_than: datetime, batch: int) -> int:
    """Delete the deliveries done (delivered or given up) created before `older_than`, in
    transactions of at most `batch`; how many went."""
    deleted = 0
    while True:
        row = await graph.write_one("rules/webhooks/prune", cutoff=older_than, batch=batch)
        done = 0 if row is None else int(row["deleted"])
        deleted += done
        if done < batch:
            return deleted


def sender(graph: Graph, settings: Settings) -> WebhookSender | None:
    """The sender for these settings; None without a secret to sign with (logged)."""
    secret = webhook_secret(settings)
    if secret is None:
        log.warning("webhooks: C360_WEBHOOK_SECRET is not set; CALL_WEBHOOK rules wait")
        return None
    return WebhookSender(
        graph,
        secret,
        poll_s=settings.event_poll_s,
        retry=timedelta(seconds=settings.webhook_retry_s),
        give_up=timedelta(hours=settings.webhook_give_up_h),
        timeout_s=settings.webhook_timeout_s,
    )
