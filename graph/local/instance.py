"""The local Neo4j: the real Community server, started from Maven Central jars.

The launcher (`graph.local.launcher`) is built when needed; this module writes a standard
`neo4j.conf` under `C360_HOME`, starts the JVM in the background, waits for Bolt, and sets a
generated password on first start.

Layout of `C360_HOME`:

    neo4j/conf/neo4j.conf   written on every start from `local.json`
    neo4j/data/, neo4j/logs/neo4j.log
    local.json              ports, heap and page cache (kept across starts)
    neo4j.pid               the JVM's pid while it runs
    credentials             user and password, mode 0600
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import neo4j
from neo4j.exceptions import AuthError, ClientError, Neo4jError, ServiceUnavailable

from core.errors import LocalNeo4jError
from graph.local.launcher import MAIN_CLASS, ensure_launcher_built, find_java

DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
USER = "neo4j"


@dataclass
class LocalConfig:
    """What a `C360_HOME` remembers between starts."""

    bolt_port: int = DEFAULT_BOLT_PORT
    http_port: int = DEFAULT_HTTP_PORT
    heap: str = "2g"
    pagecache: str = "2g"


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    home: Path
    bolt_uri: str
    browser_url: str


class LocalNeo4j:
    """One local Neo4j server, owned by one `C360_HOME` folder."""

    def __init__(self, home: Path) -> None:
        self.home = home.expanduser().resolve()
        self.neo4j_home = self.home / "neo4j"
        self.config_file = self.home / "local.json"
        self.pid_file = self.home / "neo4j.pid"
        self.credentials_file = self.home / "credentials"
        self.log_file = self.neo4j_home / "logs" / "neo4j.log"
        self.console_file = self.neo4j_home / "logs" / "console.log"

    # -- state kept in C360_HOME ---------------------------------------------------------

    def config(self) -> LocalConfig:
        if self.config_file.exists():
            return LocalConfig(**json.loads(self.config_file.read_text()))
        return LocalConfig()

    def _own_home(self) -> None:
        """C360_HOME exists and is its owner's alone (0700): the database, its logs, the
        credentials and the token secret live in it."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.home.chmod(0o700)

    def _save_config(self, config: LocalConfig) -> None:
        self._own_home()
        self.config_file.write_text(json.dumps(asdict(config), indent=2) + "\n")

    def password(self) -> str:
        """The generated password, created (owner-readable only) on first use."""
        if self.credentials_file.exists():
            return str(json.loads(self.credentials_file.read_text())["password"])
        self._own_home()
        password = secrets.token_urlsafe(24)
        fd = os.open(self.credentials_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"user": USER, "password": password}, out)
        return password

    def pid(self) -> int | None:
        """The pid of our running JVM, or None (a stale pid file is removed)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if _process_alive(pid) and _is_our_server(pid, self.neo4j_home):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def status(self) -> Status:
        config = self.config()
        return Status(
            running=self.pid() is not None,
            pid=self.pid(),
            home=self.home,
            bolt_uri=f"bolt://127.0.0.1:{config.bolt_port}",
            browser_url=f"http://127.0.0.1:{config.http_port}/browser/",
        )

    # -- start / stop -------------------------------------------------------------------

    def start(
        self,
        port: int | None = None,
        http_port: int | None = None,
        heap: str | None = None,
        pagecache: str | None = None,
        timeout_s: float = 180.0,
    ) -> Status:
        """Start the server (if not running) and wait until Bolt accepts our password.

        `port=None` reuses the recorded port (7687 for a new folder); `port=0` picks a free one.
        """
        if self.pid() is not None:
            self._wait_until_ready(timeout_s)
            return self.status()

        config = self.config()
        if port is not None:
            config.bolt_port = port or _free_port()
            if http_port is None and port == 0:
                config.http_port = _free_port()
        if http_port is not None:
            config.http_port = http_port or _free_port()
        config.heap = heap or config.heap
        config.pagecache = pagecache or config.pagecache
        for name, value in (("heap", config.heap), ("pagecache", config.pagecache)):
            if not re.fullmatch(r"\d+[kmgKMG]?", value):
                raise LocalNeo4jError(f"--{name}: {value!r} is not a size like 512m or 2g")
        for p in (config.bolt_port, config.http_port):
            if not _port_free(p):
                raise LocalNeo4jError(
                    f"port {p} on 127.0.0.1 is taken; choose another with --port (0 = any free)"
                )
        self._save_config(config)
        self.password()  # create before the server exists, so it can never be missing later
        self._own_home()

        java = find_java()
        classpath = ensure_launcher_built(java)
        self._write_neo4j_conf(config)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(java / "bin" / "java"),
            f"-Xms{config.heap}",
            f"-Xmx{config.heap}",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8",
            # Neo4j reaches into JDK internals; the distribution's script opens them the same way.
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            classpath,
            MAIN_CLASS,
            f"--home-dir={self.neo4j_home}",
            f"--config-dir={self.neo4j_home / 'conf'}",
        ]
        console_fd = os.open(self.console_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(console_fd, "ab") as console:
            process = subprocess.Popen(
                command,
                cwd=self.neo4j_home,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # survives the CLI that started it; no terminal signals
                umask=0o077,  # the store and the logs it writes: owner-only
            )
        self.pid_file.write_text(f"{process.pid}\n")
        try:
            self._wait_until_ready(timeout_s, process)
        except LocalNeo4jError:
            if process.poll() is None:
                self.stop()
            raise
        return self.status()

    def stop(self, timeout_s: float = 120.0) -> bool:
        """Stop gracefully (SIGTERM: Neo4j checkpoints, closes the store); False if not running."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not _process_alive(pid):
                self.pid_file.unlink(missing_ok=True)
                return True
            time.sleep(0.2)
        raise LocalNeo4jError(
            f"Neo4j (pid {pid}) did not stop within {timeout_s:.0f}s; see {self.log_file}"
        )

    # -- internals -----------------------------------------------------------------------

    def _write_neo4j_conf(self, config: LocalConfig) -> None:
        conf_dir = self.neo4j_home / "conf"
        conf_dir.mkdir(parents=True, exist_ok=True)
        bolt = f"127.0.0.1:{config.bolt_port}"
        http = f"127.0.0.1:{config.http_port}"
        (conf_dir / "neo4j.conf").write_text(
            "# Written by `c360 neo4j start` from local.json; edit that file, not this one.\n"
            "server.default_listen_address=127.0.0.1\n"
            "server.default_advertised_address=127.0.0.1\n"
            "server.bolt.enabled=true\n"
            f"server.bolt.listen_address={bolt}\n"
            f"server.bolt.advertised_address={bolt}\n"
            "server.http.enabled=true\n"
            f"server.http.listen_address={http}\n"
            f"server.http.advertised_address={http}\n"
            "server.https.enabled=false\n"
            "dbms.security.auth_enabled=true\n"
            # Neo4j Browser may load guides from here: `c360 serve` serves the analytics
            # library as one (docs/analysts.md); the default lists localhost only
            "browser.remote_content_hostname_whitelist=guides.neo4j.com,localhost,127.0.0.1\n"
            # LOAD CSV reads files from this folder only (unset, it reads any file)
            f"server.directories.import={self.neo4j_home / 'import'}\n"
            f"server.memory.heap.initial_size={config.heap}\n"
            f"server.memory.heap.max_size={config.heap}\n"
            f"server.memory.pagecache.size={config.pagecache}\n"
            "dbms.usage_report.enabled=false\n"
            "db.tx_log.rotation.retention_policy=1G size\n"
        )

    def _wait_until_ready(
        self, timeout_s: float, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        config = self.config()
        uri = f"bolt://127.0.0.1:{config.bolt_port}"
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise LocalNeo4jError(
                    f"Neo4j exited with status {process.returncode} while starting.\n"
                    + self.log_tail()
                )
            if not _port_open(config.bolt_port):
                time.sleep(0.25)
                continue
            try:
                self._ensure_password(uri)
                return
            except (ServiceUnavailable, OSError):
                time.sleep(0.5)
        raise LocalNeo4jError(
            f"Neo4j did not answer on {uri} within {timeout_s:.0f}s.\n" + self.log_tail()
        )

    def _ensure_password(self, uri: str) -> None:
        """Log in with the generated password; on a new store, replace the initial one."""
        password = self.password()
        with neo4j.GraphDatabase.driver(uri, auth=(USER, password)) as driver:
            try:
                driver.verify_connectivity()
                return
            except AuthError:
                pass
        # A new store accepts neo4j/neo4j with the credentials expired: only this may run.
        with neo4j.GraphDatabase.driver(uri, auth=(USER, "neo4j")) as driver:
            try:
                driver.execute_query(
                    "ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO $new",
                    new=password,
                    database_="system",
                )
            except (AuthError, ClientError, Neo4jError) as e:
                raise LocalNeo4jError(
                    f"Neo4j under {self.home} refuses the password in {self.credentials_file} "
                    f"({e.__class__.__name__}). Was the store created by another C360_HOME?"
                ) from e

    def log_tail(self, lines: int = 30) -> str:
        parts = []
        for path in (self.log_file, self.console_file):
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- last lines of {path} ---\n" + "\n".join(tail))
        return "\n".join(parts) or f"(no log yet under {self.neo4j_home / 'logs'})"


# -- sockets and processes ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _is_our_server(pid: int, neo4j_home: Path) -> bool:
    """Guards against a recycled pid: the process must be our launcher for this folder."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc (not Linux): trust the pid file
    return MAIN_CLASS.encode() in cmdline and f"--home-dir={neo4j_home}".encode() in cmdline


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child (when the starting process is still alive) counts as gone.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return True
