"""Settings from the environment (and a `.env` file), read once per process."""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Hours to resolve a ticket by priority, from LOW to URGENT (../shared/contract/service.graphql).
DEFAULT_SLA_HOURS: Final = {"LOW": 168.0, "NORMAL": 72.0, "HIGH": 24.0, "URGENT": 4.0}


def sla_targets(text: str) -> dict[str, float]:
    """`URGENT=2,HIGH=12` over the defaults; ValueError naming the part that is wrong."""
    targets = dict(DEFAULT_SLA_HOURS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, hours = part.partition("=")
        name = name.strip().upper()
        if not sep or name not in targets:
            raise ValueError(
                f"C360_SLA_HOURS: {part!r} is not PRIORITY=HOURS with a priority of "
                f"{', '.join(targets)}"
            )
        try:
            value = float(hours)
        except ValueError:
            value = -1.0
        if not value > 0 or value == float("inf"):
            raise ValueError(
                f"C360_SLA_HOURS: {hours.strip()!r} for {name} is not a number of hours"
            )
        targets[name] = value
    return targets


def default_home() -> Path:
    return Path.home() / ".c360"


class Settings(BaseSettings):
    """Where Neo4j is and how c360 talks to it.

    With `NEO4J_URI` unset, c360 uses (and starts when needed) the local Neo4j under
    `C360_HOME`, whose port and generated password are kept in that folder.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")
    c360_home: Path = Field(default_factory=default_home, alias="C360_HOME")
    # Server-side limit for one Cypher transaction; a runaway query is stopped, not waited for.
    query_timeout_s: float = Field(default=30.0, alias="C360_QUERY_TIMEOUT")
    # All the Cypher of one API request shares this deadline; past it: TIMEOUT, and its
    # transactions are ended in Neo4j.
    request_timeout_s: float = Field(default=30.0, gt=0, alias="C360_REQUEST_TIMEOUT_S")
    # How long a request keeps retrying while Neo4j is away (e.g. during a restart).
    max_retry_time_s: float = Field(default=30.0, alias="C360_MAX_RETRY_TIME")
    max_page_size: int = Field(default=1000, alias="C360_MAX_PAGE_SIZE")
    # How often `c360 serve` looks for tag events (its own and other processes') to dispatch
    # and deliver to tagEvents subscribers.
    event_poll_s: float = Field(default=0.5, alias="C360_EVENT_POLL")
    # Numbered change events older than this many days are deleted by `c360 serve` (every few
    # minutes) and `c360 prune-changes`; tag events are kept (they are the tag history).
    # 0: keep every event.
    change_retention_days: int = Field(default=90, ge=0, alias="C360_CHANGE_RETENTION_DAYS")
    # When set, `c360 serve` runs the tag rules every this many seconds (`--rules-every`).
    rules_every_s: float | None = Field(default=None, gt=0, alias="C360_RULES_EVERY")

    # Bearer tokens (docs/security.md). HS256 signs with C360_JWT_SECRET; with the local Neo4j
    # and no secret set, one is generated into C360_HOME/jwt-secret (owner-only).
    jwt_algorithm: Literal["HS256", "RS256"] = Field(default="HS256", alias="C360_JWT_ALGORITHM")
    jwt_secret: SecretStr | None = Field(default=None, alias="C360_JWT_SECRET")
    # RS256: the identity provider's public key (a PEM file) or its JWKS address.
    jwt_public_key: Path | None = Field(default=None, alias="C360_JWT_PUBLIC_KEY")
    jwks_url: str | None = Field(default=None, alias="C360_JWKS_URL")
    # Every token's `iss` must be this: c360's own ("c360") by default with HS256; required
    # with RS256 (the identity provider's).
    jwt_issuer: str | None = Field(default=None, alias="C360_JWT_ISSUER")
    jwt_audience: str | None = Field(default=None, alias="C360_JWT_AUDIENCE")
    # Tokens valid for longer than this (exp - iat) are refused, and `c360 token` mints none.
    max_token_ttl_s: int = Field(default=86_400, ge=1, alias="C360_MAX_TOKEN_TTL_S")
    # Abuse limits for GraphQL requests.
    max_query_depth: int = Field(default=10, ge=1, alias="C360_MAX_DEPTH")
    max_aliases: int = Field(default=30, ge=1, alias="C360_MAX_ALIASES")
    max_tokens: int = Field(default=5000, ge=1, alias="C360_MAX_TOKENS")
    # The most objects a request may be estimated to return (schema/cost.py).
    max_nodes: int = Field(default=50_000, ge=1, alias="C360_MAX_NODES")
    max_body_bytes: int = Field(default=1_000_000, ge=1, alias="C360_MAX_BODY_BYTES")
    introspection: bool = Field(default=True, alias="C360_INTROSPECTION")
    # Browser origins allowed cross-origin access (comma-separated); empty: none.
    cors_origins: str = Field(default="", alias="C360_CORS_ORIGINS")
    # Log lines as JSON objects ("json"), text ("text"), or JSON unless stderr is a terminal.
    log_format: Literal["auto", "text", "json"] = Field(default="auto", alias="C360_LOG_FORMAT")
    # Custom fields (Customer.fields) that hold personal data, comma-separated keys: masked
    # for roles without personal data, and not usable in their segments.
    personal_fields: str = Field(default="", alias="C360_PERSONAL_FIELDS")
    # Queries the graph answers whole skip graphql-core's per-field execution
    # (schema/fast_reads.py); off, every request is executed field by field.
    fast_reads: bool = Field(default=True, alias="C360_FAST_READS")
    # Hours to resolve a ticket, per priority (serviceLevels): PRIORITY=HOURS, comma-separated;
    # the priorities not named keep their defaults.
    sla_hours: str = Field(default="", alias="C360_SLA_HOURS")
    # CALL_WEBHOOK linkage rules (graph/rules/webhooks.py): the HMAC key of X-C360-Signature
    # (with the local Neo4j and none set, one is generated into C360_HOME/webhook-secret);
    # the first retry's delay, doubled for each further failure up to an hour; how long an
    # event is retried before it is given up; how long one POST may take.
    webhook_secret: SecretStr | None = Field(default=None, alias="C360_WEBHOOK_SECRET")
    webhook_retry_s: float = Field(default=10.0, gt=0, alias="C360_WEBHOOK_RETRY_S")
    webhook_give_up_h: float = Field(default=24.0, gt=0, alias="C360_WEBHOOK_GIVE_UP_H")
    webhook_timeout_s: float = Field(default=10.0, gt=0, alias="C360_WEBHOOK_TIMEOUT_S")

    @field_validator("sla_hours")
    @classmethod
    def _check_sla_hours(cls, value: str) -> str:
        sla_targets(value)
        return value

    @property
    def sla_targets(self) -> dict[str, float]:
        """Hours to resolve a ticket, per priority from LOW to URGENT."""
        return sla_targets(self.sla_hours)

    @property
    def personal_field_keys(self) -> frozenset[str]:
        return frozenset(key.strip() for key in self.personal_fields.split(",") if key.strip())

    @property
    def uses_local_neo4j(self) -> bool:
        return not self.neo4j_uri
