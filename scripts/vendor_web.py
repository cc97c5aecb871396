#!/usr/bin/env python3
"""Copy the npm files c360 serves into web/vendor/: exactly `servedFiles` of web/package.json.

Runs `npm ci` first when web/node_modules lacks one of them. Used by scripts/bootstrap and by
the wheel build (hatch_build.py), so a checkout and an installed wheel serve the same files
and the wheel carries these few files rather than the whole node_modules.
Standard library only: it runs before c360's dependencies are installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"


def served_files(web: Path = WEB) -> list[str]:
    files: list[str] = json.loads((web / "package.json").read_text())["servedFiles"]
    return files


def vendor(web: Path = WEB) -> list[Path]:
    """Fill web/vendor/ from web/node_modules (installed from the lock file when needed);
    returns the files written."""
    wanted = served_files(web)
    modules = web / "node_modules"
    if not all((modules / name).is_file() for name in wanted):
        if (
            (web / "vendor").is_dir()
            and not modules.exists()
            and all((web / "vendor" / name).is_file() for name in wanted)
        ):
            return []  # an unpacked source distribution: vendor/ came with it
        subprocess.run(
            ["npm", "ci", "--prefix", str(web), "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
        )
    shutil.rmtree(web / "vendor", ignore_errors=True)
    written = []
    for name in wanted:
        target = web / "vendor" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / name, target)
        written.append(target)
    return written


if __name__ == "__main__":
    files = vendor()
    print(f"web/vendor: {len(files)} files from npm", file=sys.stderr)
