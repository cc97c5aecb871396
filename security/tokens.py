"""Bearer tokens: JWTs signed HS256 with the server's secret, or RS256 by an identity provider.

A token carries `sub`, `roles`, `exp` and `iss` (the configured issuer), and is valid for at
most C360_MAX_TOKEN_TTL_S. Only the configured algorithm is accepted, so `alg: none` and
algorithm-confusion tokens fail like tampered or expired ones: with `Unauthenticated` and a
reason.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jwt

from core.errors import BadUserInput, ConfigurationError, Unauthenticated
from core.settings import Settings
from security.roles import Principal, Role

SECRET_FILE = "jwt-secret"
MIN_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash
ISSUER = "c360"


def hs256_secret(settings: Settings) -> bytes:
    """C360_JWT_SECRET, else (local Neo4j only) C360_HOME/jwt-secret, generated when missing."""
    if settings.jwt_secret is not None:
        secret = settings.jwt_secret.get_secret_value().encode()
    elif settings.uses_local_neo4j:
        secret = home_secret(settings.c360_home, SECRET_FILE)
    else:
        raise ConfigurationError(
            "C360_JWT_SECRET is not set: give the API a secret of at least "
            f"{MIN_SECRET_BYTES} bytes (or C360_JWT_ALGORITHM=RS256 with C360_JWKS_URL)"
        )
    if len(secret) < MIN_SECRET_BYTES:
        raise ConfigurationError(
            f"C360_JWT_SECRET is {len(secret)} bytes; HS256 needs at least {MIN_SECRET_BYTES}"
        )
    return secret


def home_secret(home: Path, name: str) -> bytes:
    """C360_HOME/`name`: a random secret generated on first use, readable by its owner only."""
    path = home / name
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True, mode=0o700)  # owner-only, as LocalNeo4j keeps it
        # O_EXCL: two processes starting at once agree on the first one's secret
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def mint(
    settings: Settings, *, roles: Iterable[Role], subject: str, ttl_s: int, now: float | None = None
) -> str:
    """An HS256 token for `subject` with `roles`, valid for `ttl_s` seconds."""
    if settings.jwt_algorithm != "HS256":
        raise ConfigurationError(
            "c360 token signs HS256 tokens; with RS256 your identity provider issues them"
        )
    if ttl_s > settings.max_token_ttl_s:
        raise BadUserInput(
            "ttl", f"{ttl_s} s is longer than C360_MAX_TOKEN_TTL_S ({settings.max_token_ttl_s} s)"
        )
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "sub": subject,
        "roles": sorted(str(role) for role in roles),
        "iat": issued,
        "exp": issued + ttl_s,
        "iss": settings.jwt_issuer or ISSUER,
    }
    return jwt.encode(claims, hs256_secret(settings), algorithm="HS256")


VERIFIED_CACHE = 1024  # tokens whose signature and claims were checked, kept until their exp


class TokenVerifier:
    """Checks bearer tokens against the configured key; one per server.

    A token that passed is remembered (LRU, `VERIFIED_CACHE` of them) with its principal and
    validity window, so a client's next requests skip the signature check (7% of the CPU of a
    customer-360 request under load, profiled); its `exp` and `nbf` are checked every time."""

    def __init__(self, settings: Settings) -> None:
        self._verified: OrderedDict[str, tuple[Principal, float, float]] = OrderedDict()
        self.algorithm = settings.jwt_algorithm
        self.issuer = settings.jwt_issuer or (ISSUER if self.algorithm == "HS256" else None)
        self.audience = settings.jwt_audience
        self.max_ttl_s = settings.max_token_ttl_s
        if self.issuer is None:
            raise ConfigurationError(
                "C360_JWT_ISSUER is not set: with RS256 every token's iss must match your "
                "identity provider's issuer"
            )
        self._jwks: jwt.PyJWKClient | None = None
        self._key: Any = None
        if self.algorithm == "HS256":
            self._key = hs256_secret(settings)
        elif settings.jwks_url:
            self._jwks = jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=300)
        elif settings.jwt_public_key:
            try:
                self._key = settings.jwt_public_key.read_text()
            except OSError as e:
                raise ConfigurationError(f"C360_JWT_PUBLIC_KEY: cannot read it: {e}") from e
        else:
            raise ConfigurationError(
                "C360_JWT_ALGORITHM=RS256 needs C360_JWKS_URL or C360_JWT_PUBLIC_KEY"
            )

    async def principal(self, authorization: str | None) -> Principal:
        """The principal of an `Authorization: Bearer <JWT>` header value."""
        if not authorization:
            raise Unauthenticated("no bearer token: send Authorization: Bearer <JWT>")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the Authorization header must be 'Bearer <JWT>'")
        token = token.strip()
        if (known := self._verified.get(token)) is not None:
            principal, not_before, expires = known
            if not_before <= time.time() < expires:
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]  # expired: verify reports it as such
        if self._jwks is not None:  # fetching the key set blocks; keep it off the event loop
            return await asyncio.to_thread(self.verify, token)
        return self.verify(token)

    def verify(self, token: str) -> Principal:
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._key
            claims = jwt.decode(
                token,
                key,
                algorithms=[self.algorithm],
                issuer=self.issuer,
                audience=self.audience,
                options={
                    "require": ["exp", "sub", "iss"],
                    "verify_aud": self.audience is not None,
                },
            )
        except jwt.ExpiredSignatureError as e:
            raise Unauthenticated("the bearer token has expired") from e
        except jwt.PyJWTError as e:
            raise Unauthenticated(f"the bearer token is not valid: {e}") from e
        lifetime = float(claims["exp"]) - float(claims.get("iat", time.time()))
        if lifetime > self.max_ttl_s:
            raise Unauthenticated(
                f"the bearer token is valid for {lifetime:.0f} s, longer than "
                f"C360_MAX_TOKEN_TTL_S ({self.max_ttl_s} s)"
            )
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise Unauthenticated("the bearer token's roles must be a list of strings")
        principal = Principal.of(str(claims["sub"]), roles, expires=float(claims["exp"]))
        self._remember(token, principal, float(claims.get("nbf", 0)), float(claims["exp"]))
        return principal

    def _remember(
        self, token: str, principal: Principal, not_before: float, expires: float
    ) -> None:
        self._verified[token] = (principal, not_before, expires)
        if len(self._verified) > VERIFIED_CACHE:
            self._verified.popitem(last=False)
