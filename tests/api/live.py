"""Mutations sent over HTTP to a live `c360 serve` (the `server` fixture of conftest.py)."""

from __future__ import annotations

from typing import Any

import httpx2

from tests.tokens import auth_header


async def mutate(url: str, query: str) -> Any:
    async with httpx2.AsyncClient(timeout=30) as client:
        response = await client.post(f"{url}/graphql", json={"query": query}, headers=auth_header())
    body = response.json()
    assert "errors" not in body, body
    return body["data"]
