"""Bearer tokens: what is accepted, what is UNAUTHENTICATED, and `c360 token`."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import http.server
import io
import json
import os
import stat
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from core.errors import BadUserInput, ConfigurationError, Unauthenticated
from core.settings import Settings
from security.roles import Role
from security.tokens import TokenVerifier, mint

SECRET = "s" * 48
C360 = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "c360"


def hs_settings(**update: Any) -> Settings:
    return Settings.model_construct(
        jwt_algorithm="HS256", jwt_secret=SecretStr(SECRET), neo4j_uri="bolt://db:7687", **update
    )


async def principal(verifier: TokenVerifier, token: str) -> Any:
    return await verifier.principal(f"Bearer {token}")


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_a_minted_token_gives_its_subject_and_roles() -> None:
    settings = hs_settings()
    token = mint(settings, roles=[Role.SALES, Role.ANALYST], subject="li.lei", ttl_s=60)
    who = await principal(TokenVerifier(settings), token)
    assert who.subject == "li.lei"
    assert who.roles == {Role.SALES, Role.ANALYST}
    assert who.sees_personal_data


async def test_a_remembered_token_still_expires_and_waits_for_nbf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Verified tokens are remembered (no signature check on the next request), but `exp`
    and `nbf` are checked on every use."""
    verifier = TokenVerifier(hs_settings())
    now = time.time()
    soon = forged(valid_claims(exp=int(now) + 2))
    assert (await principal(verifier, soon)).subject == "x"

    def no_decoding(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("decoded again")

    monkeypatch.setattr(jwt, "decode", no_decoding)
    assert (await principal(verifier, soon)).subject == "x"  # remembered
    monkeypatch.undo()
    await asyncio.sleep(max(0.0, int(now) + 2 - time.time()) + 0.05)
    with pytest.raises(Unauthenticated, match="has expired"):
        await principal(verifier, soon)
    later = forged(valid_claims(nbf=int(now) + 3600))
    for _ in range(2):  # never remembered while not yet valid
        with pytest.raises(Unauthenticated, match="not yet valid"):
            await principal(verifier, later)
    # a remembered token does not vouch for another with one character changed
    token = forged(valid_claims())
    await principal(verifier, token)
    with pytest.raises(Unauthenticated, match="not valid"):
        await principal(verifier, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])


def forged(claims: dict[str, Any], secret: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def valid_claims(**update: Any) -> dict[str, Any]:
    return {"sub": "x", "roles": ["admin"], "exp": int(time.time()) + 3_600, "iss": "c360"} | update


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "no bearer token"),
        ("", "no bearer token"),
        ("Basic dXNlcjpwYXNz", "must be 'Bearer <JWT>'"),
        ("Bearer", "must be 'Bearer <JWT>'"),
        ("Bearer not.a.jwt", "not valid"),
        # expired (PyJWT allows no leeway by default)
        (f"Bearer {forged(valid_claims(exp=int(time.time()) - 5))}", "expired"),
        # no exp at all
        (f"Bearer {forged({'sub': 'x', 'roles': ['admin']})}", "exp"),
        # no sub
        (f"Bearer {forged({'roles': ['admin'], 'exp': int(time.time()) + 86_400})}", "sub"),
        # signed with another secret
        (f"Bearer {forged(valid_claims(), secret='t' * 48)}", "not valid"),
        # alg none: unsigned
        (
            "Bearer " + b64({"alg": "none", "typ": "JWT"}) + "." + b64(valid_claims()) + ".",
            "not valid",
        ),
        # roles of the wrong shape
        (f"Bearer {forged(valid_claims(roles='admin'))}", "roles"),
    ],
)
async def test_bad_tokens_are_unauthenticated(header: str | None, reason: str) -> None:
    with pytest.raises(Unauthenticated) as refused:
        await TokenVerifier(hs_settings()).principal(header)
    assert reason in refused.value.message


async def test_a_tampered_payload_breaks_the_signature() -> None:
    settings = hs_settings()
    token = mint(settings, roles=[Role.VIEWER], subject="eve", ttl_s=60)
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]
    with pytest.raises(Unauthenticated, match="not valid"):
        await principal(TokenVerifier(settings), f"{head}.{b64(claims)}.{signature}")


def rsa_pair() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


async def test_rs256_with_an_identity_providers_public_key(tmp_path: Path) -> None:
    private, public = rsa_pair()
    (tmp_path / "idp.pem").write_bytes(public)
    settings = Settings.model_construct(
        jwt_algorithm="RS256",
        jwt_public_key=tmp_path / "idp.pem",
        jwks_url=None,
        jwt_issuer="https://idp.example.com",
        jwt_audience="c360",
    )
    verifier = TokenVerifier(settings)
    claims = valid_claims(iss="https://idp.example.com", aud="c360", roles=["marketer", "hr"])
    who = await principal(verifier, jwt.encode(claims, private, algorithm="RS256"))
    assert who.roles == {Role.MARKETER}  # "hr" is not a c360 role
    # the wrong audience, the wrong issuer, and HS256 signed with the public key (confusion)
    for bad in [
        jwt.encode(valid_claims(iss="https://idp.example.com", aud="crm"), private, "RS256"),
        jwt.encode(valid_claims(iss="https://evil.example.com", aud="c360"), private, "RS256"),
    ]:
        with pytest.raises(Unauthenticated):
            await principal(verifier, bad)
    header = b64({"alg": "HS256", "typ": "JWT"})
    body = b64(claims)
    mac = hmac.new(public, f"{header}.{body}".encode(), hashlib.sha256).digest()
    confused = f"{header}.{body}." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    with pytest.raises(Unauthenticated):
        await principal(verifier, confused)
    with pytest.raises(ConfigurationError, match="identity provider"):
        mint(settings, roles=[Role.ADMIN], subject="x", ttl_s=60)


async def test_long_lived_tokens_and_foreign_issuers_are_refused() -> None:
    """C360_MAX_TOKEN_TTL_S bounds a token's life (exp - iat, or exp - now without iat), and
    `iss` must be the configured issuer (c360's own by default with HS256)."""
    verifier = TokenVerifier(hs_settings())
    now = int(time.time())
    day = 86_400
    assert (await principal(verifier, forged(valid_claims(iat=now, exp=now + day)))).subject
    for claims, reason in [
        (valid_claims(iat=now, exp=now + day + 1), "valid for 86401 s, longer than"),
        (valid_claims(exp=now + 2 * day), "longer than C360_MAX_TOKEN_TTL_S (86400 s)"),
        (valid_claims(iat=now - 3 * day, exp=now + 60), "valid for 259260 s"),
        (valid_claims(iss="someone-else"), "Invalid issuer"),
        ({k: v for k, v in valid_claims().items() if k != "iss"}, '"iss"'),
    ]:
        with pytest.raises(Unauthenticated) as refused:
            await principal(verifier, forged(claims))
        assert reason in refused.value.message, refused.value.message
    shorter = TokenVerifier(hs_settings(max_token_ttl_s=600))
    with pytest.raises(Unauthenticated, match="600 s"):
        await principal(shorter, forged(valid_claims(iat=now, exp=now + 601)))
    with pytest.raises(BadUserInput, match="ttl: 86401 s is longer than C360_MAX_TOKEN_TTL_S"):
        mint(hs_settings(), roles=[Role.ADMIN], subject="x", ttl_s=day + 1)
    own = TokenVerifier(hs_settings(jwt_issuer="https://c360.example.com"))
    minted = mint(
        hs_settings(jwt_issuer="https://c360.example.com"), roles=[], subject="x", ttl_s=60
    )
    assert (await principal(own, minted)).subject == "x"
    with pytest.raises(ConfigurationError, match="C360_JWT_ISSUER is not set"):
        TokenVerifier(
            Settings.model_construct(
                jwt_algorithm="RS256", jwt_public_key=Path("idp.pem"), jwt_issuer=None
            )
        )


def test_a_short_or_missing_secret_is_a_configuration_error() -> None:
    short = Settings.model_construct(jwt_algorithm="HS256", neo4j_uri="bolt://db:7687")
    with pytest.raises(ConfigurationError, match="C360_JWT_SECRET is not set"):
        TokenVerifier(short)
    with pytest.raises(ConfigurationError, match="at least 32"):
        TokenVerifier(short.model_copy(update={"jwt_secret": SecretStr("x")}))


def test_the_local_default_generates_an_owner_only_secret_once(tmp_path: Path) -> None:
    home = tmp_path / "new-home"  # created by the first token
    local = Settings.model_construct(
        jwt_algorithm="HS256", jwt_secret=None, neo4j_uri=None, c360_home=home
    )
    token = mint(local, roles=[Role.ADMIN], subject="x", ttl_s=60)
    secret = home / "jwt-secret"
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_text().strip()) >= 32
    # the same secret next time: a token minted before still verifies
    assert TokenVerifier(local).verify(token).subject == "x"


def test_c360_token_mints_what_the_server_accepts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "C360_"))}
    env |= {"C360_JWT_SECRET": SECRET, "NEO4J_URI": "bolt://db:7687"}
    out = subprocess.run(
        [
            str(C360),
            "token",
            "--role",
            "sales",
            "--role",
            "viewer",
            "--subject",
            "li",
            "--ttl",
            "90",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    claims = jwt.decode(out, SECRET, algorithms=["HS256"])
    assert claims["sub"] == "li" and claims["roles"] == ["sales", "viewer"]
    assert claims["exp"] - claims["iat"] == 90
    bad = subprocess.run(
        [str(C360), "token", "--role", "boss"], env=env, capture_output=True, text=True
    )
    assert bad.returncode != 0 and "boss" in bad.stderr and "Traceback" not in bad.stderr
    long_lived = subprocess.run(
        [str(C360), "token", "--role", "admin", "--ttl", "86401"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert (long_lived.returncode, long_lived.stdout) == (1, "")
    assert long_lived.stderr.strip() == (
        "error: ttl: 86401 s is longer than C360_MAX_TOKEN_TTL_S (86400 s)"
    )
    unset = subprocess.run(
        [str(C360), "token", "--role", "admin"],
        env={k: v for k, v in env.items() if k != "C360_JWT_SECRET"},
        capture_output=True,
        text=True,
    )
    assert unset.returncode == 1 and "C360_JWT_SECRET is not set" in unset.stderr


async def test_rs256_keys_from_an_identity_providers_jwks_endpoint() -> None:
    """C360_JWKS_URL: keys fetched from the IdP (a real HTTP server on loopback here), picked
    by the token's `kid`; a token signed by a key not in the set is refused."""
    private, public = rsa_pair()
    stranger, _ = rsa_pair()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(serialization.load_pem_public_key(public)))
    body = json.dumps({"keys": [jwk | {"kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class JWKS(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), JWKS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
        verifier = TokenVerifier(
            Settings.model_construct(
                jwt_algorithm="RS256",
                jwks_url=url,
                jwt_public_key=None,
                jwt_issuer="https://idp.example.com",
                jwt_audience=None,
            )
        )
        claims = valid_claims(roles=["analyst"], iss="https://idp.example.com")
        good = jwt.encode(claims, private, "RS256", headers={"kid": "k1"})
        who = await principal(verifier, good)
        assert who.roles == {Role.ANALYST} and not who.sees_personal_data
        forged_key = jwt.encode(valid_claims(), stranger, "RS256", headers={"kid": "k1"})
        unknown_kid = jwt.encode(valid_claims(), private, "RS256", headers={"kid": "k2"})
        for bad in [forged_key, unknown_kid]:
            with pytest.raises(Unauthenticated):
                await principal(verifier, bad)
    finally:
        server.shutdown()


async def test_serve_offers_an_admin_header_on_the_local_default_only(tmp_path: Path) -> None:
    from cli.serve import graphiql_headers

    local = Settings.model_construct(
        jwt_algorithm="HS256", jwt_secret=None, neo4j_uri=None, c360_home=tmp_path
    )
    headers = graphiql_headers(local)
    assert headers is not None
    who = await TokenVerifier(local).principal(json.loads(headers)["Authorization"])
    assert who.roles == {Role.ADMIN} and who.subject == "local-admin"
    assert graphiql_headers(hs_settings()) is None  # NEO4J_URI set: no token printed


async def test_the_admin_header_is_printed_to_terminals_only(tmp_path: Path) -> None:
    """Where the output is a pipe or a file (a log), `c360 serve` prints the path of the
    owner-only file that holds the GraphiQL header, not the token."""
    from rich.console import Console

    from cli.serve import offer_graphiql_headers

    local = Settings.model_construct(
        jwt_algorithm="HS256", jwt_secret=None, neo4j_uri=None, c360_home=tmp_path
    )
    saved = tmp_path / "graphiql-token"
    saved.symlink_to(tmp_path / "elsewhere")  # a planted link is replaced, not followed
    for terminal in (False, True):
        printed = io.StringIO()
        console = Console(file=printed, force_terminal=terminal, width=10_000)
        offer_graphiql_headers(local, console, "http://127.0.0.1:8000/graphql")
        header = saved.read_text().strip()
        who = await TokenVerifier(local).principal(json.loads(header)["Authorization"])
        assert who.subject == "local-admin"
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600 and not saved.is_symlink()
        if terminal:
            assert header in printed.getvalue()
            token = json.loads(header)["Authorization"].removeprefix("Bearer ")
            assert f"http://127.0.0.1:8000/graphql#token={token}" in printed.getvalue()
        else:
            assert "Bearer" not in printed.getvalue()
            assert printed.getvalue().strip() == (
                f"GraphiQL headers (admin, valid 12 h): in {saved} (the output is not a terminal)"
            )
    assert not (tmp_path / "elsewhere").exists()
    printed = io.StringIO()
    offer_graphiql_headers(hs_settings(), Console(file=printed))  # NEO4J_URI set: none
    assert printed.getvalue() == ""
