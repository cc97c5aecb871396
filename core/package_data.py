"""The files c360 carries besides code: Cypher, web assets, the launcher's Maven project.

Each lives in a package of its own (`cypher`, `web`, `launcher`), found through
`importlib.resources` wherever c360 runs from: a checkout, an editable install or a wheel
installed into any environment; never through a path relative to the source tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def walk(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """Every file below `folder` as (relative path with `/`, entry), in name order."""
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from walk(entry, f"{name}/")
        elif entry.name != "__init__.py":
            yield name, entry


def files(package: str) -> Traversable:
    """The root of a data package."""
    return resources.files(package)


def directory(package: str, *parts: str) -> Path:
    """A folder of a data package as a real path, for what reads directories (Starlette's
    StaticFiles). Wheels install unzipped, so the package's files are on disk."""
    root = resources.files(package)
    if not isinstance(root, Path):
        raise RuntimeError(f"the {package!r} package is not on disk ({root!r})")
    return root.joinpath(*parts)
