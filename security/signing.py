"""Webhook signatures: `X-C360-Signature: sha256=<hex HMAC-SHA256 of the body>`.

A receiver recomputes the HMAC of the raw body with the shared secret and compares it in
constant time (docs/service.md shows how), so it can trust that c360 sent the event.
"""

from __future__ import annotations

import hashlib
import hmac

from core.settings import Settings
from security.tokens import home_secret

SECRET_FILE = "webhook-secret"
HEADER = "X-C360-Signature"


def webhook_secret(settings: Settings) -> bytes | None:
    """C360_WEBHOOK_SECRET, else (local Neo4j only) C360_HOME/webhook-secret, generated when
    missing; None when neither applies (webhooks cannot be signed, so none are sent)."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value().encode()
    if settings.uses_local_neo4j:
        return home_secret(settings.c360_home, SECRET_FILE)
    return None


def signature(body: bytes, secret: bytes) -> str:
    """The header's value for `body`."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str, secret: bytes) -> bool:
    """What a receiver does (and the tests): the header matches the body."""
    return hmac.compare_digest(signature(body, secret), header)
