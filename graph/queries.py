"""Named Cypher: every statement c360 runs lives in `cypher/<name>.cypher`.

Files are package data of the `cypher` package, loaded once and looked up by their path under
it without the suffix (`customers/by_ids`). Callers pass values only as parameters;
`check_params` makes a typo in a parameter name fail loudly instead of silently matching
nothing.
"""

from __future__ import annotations

import re
from functools import cache

from core import package_data

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_LINE_COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)


@cache
def all_queries() -> dict[str, str]:
    """Every file of the `cypher` package (package data) by name, read once."""
    return {
        path.removesuffix(".cypher"): entry.read_text(encoding="utf-8")
        for path, entry in package_data.walk(package_data.files("cypher"))
        if path.endswith(".cypher")
    }


def query(name: str) -> str:
    try:
        return all_queries()[name]
    except KeyError:
        raise KeyError(f"no Cypher file cypher/{name}.cypher") from None


def statements(name: str) -> list[str]:
    """The `;`-separated statements of a file (schema files hold several)."""
    text = _LINE_COMMENT.sub("", query(name))
    return [s.strip() for s in text.split(";") if s.strip()]


@cache
def params_of(name: str) -> frozenset[str]:
    return frozenset(_PARAM.findall(_LINE_COMMENT.sub("", query(name))))


def check_params(name: str, given: dict[str, object]) -> None:
    missing = params_of(name) - given.keys()
    if missing:
        raise TypeError(f"cypher/{name}.cypher needs parameters {sorted(missing)}")
