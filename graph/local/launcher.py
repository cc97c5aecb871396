"""The local Neo4j's launcher: a one-class Maven project shipped as package data.

The `launcher` package (`pom.xml` and `src/main/java/.../Main.java`) is the whole project: its
main calls Neo4j's own bootstrapper, and `mvn package` compiles it and copies the server, Bolt,
the HTTP API and Neo4j Browser jars into `target/lib`. Package data may be read-only (an
installed wheel), so the project is copied into a build folder and built there:

    $C360_LAUNCHER_DIR, or $XDG_CACHE_HOME/c360/launcher-<neo4j version>-<digest> (default
    ~/.cache/c360/...), the digest taken over the project's files

so every C360_HOME, checkout and installation of the same launcher shares one build (about
165 MB of jars), and a changed pom.xml or Main.java gets a build of its own.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from core import package_data
from core.errors import LocalNeo4jError

MAIN_CLASS = "io.c360.launcher.Main"
MIN_JAVA = 21


# -- the project, from package data ---------------------------------------------------------


@cache
def project_files() -> dict[str, bytes]:
    """The Maven project by relative path: `pom.xml` and the sources under `src/`."""
    root = package_data.files("launcher")
    files = {"pom.xml": root.joinpath("pom.xml").read_bytes()}
    files |= {f"src/{name}": entry.read_bytes() for name, entry in package_data.walk(root / "src")}
    return files


@cache
def neo4j_version() -> str:
    pom = project_files()["pom.xml"].decode()
    match = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", pom)
    return match.group(1) if match else "unknown"


def build_dir() -> Path:
    """Where the launcher is built (see the module docstring)."""
    if explicit := os.environ.get("C360_LAUNCHER_DIR"):
        return Path(explicit).expanduser().resolve()
    digest = hashlib.sha256()
    for name, content in project_files().items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "c360" / f"launcher-{neo4j_version()}-{digest.hexdigest()[:12]}"


# -- Java -----------------------------------------------------------------------------------


def _java_major(java_home: Path) -> int | None:
    release = java_home / "release"
    if not release.exists() or not (java_home / "bin" / "java").exists():
        return None
    match = re.search(r'JAVA_VERSION="(\d+)', release.read_text())
    return int(match.group(1)) if match else None


def find_java() -> Path:
    """A JDK or JRE of version 21 or newer: `C360_JAVA_HOME`, `JAVA_HOME`, then /usr/lib/jvm."""
    candidates = [os.environ.get("C360_JAVA_HOME"), os.environ.get("JAVA_HOME")]
    explicit = [Path(c) for c in candidates if c]
    for home in explicit:
        major = _java_major(home)
        if major is not None and major >= MIN_JAVA:
            return home
    found = []
    jvm_dir = Path("/usr/lib/jvm")
    if jvm_dir.is_dir():
        for home in jvm_dir.iterdir():
            major = _java_major(home)
            if major is not None and major >= MIN_JAVA and not home.is_symlink():
                found.append((major, home))
    if found:
        return max(found)[1]
    raise LocalNeo4jError(
        f"Neo4j {neo4j_version()} needs Java {MIN_JAVA} or newer, and none was found. "
        "Install one (e.g. `apt-get install openjdk-21-jdk` or Temurin 25) "
        "or set C360_JAVA_HOME to it."
    )


# -- the build ------------------------------------------------------------------------------


def _classpath(build: Path) -> str | None:
    classes = build / "target" / "classes"
    lib = build / "target" / "lib"
    if not (classes / "io" / "c360" / "launcher" / "Main.class").exists() or not lib.is_dir():
        return None
    return f"{classes}{os.pathsep}{lib}/*"


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    """One build at a time per folder, across processes (two CLIs starting at once)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_launcher_built(java: Path) -> str:
    """The launcher's classpath, running `mvn package` first if it was never built."""
    build = build_dir()
    if classpath := _classpath(build):
        return classpath
    if not (java / "bin" / "javac").exists():
        raise LocalNeo4jError(f"{java} has no javac; a JDK {MIN_JAVA}+ is needed to build it")
    with _exclusive(build / ".build.lock"):
        if classpath := _classpath(build):  # built by another process meanwhile
            return classpath
        for name, content in project_files().items():
            target = build / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        env = {**os.environ, "JAVA_HOME": str(java)}
        try:
            result = subprocess.run(
                ["mvn", "-q", "-B", "package", "-DskipTests"],
                cwd=build,
                env=env,
                capture_output=True,
                text=True,
            )
        except FileNotFoundError as e:
            raise LocalNeo4jError("Maven (mvn) is needed to build the local Neo4j launcher") from e
        classpath = _classpath(build)
        if result.returncode != 0 or classpath is None:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
            raise LocalNeo4jError(f"building the Neo4j launcher in {build} failed:\n{tail}")
        return classpath
