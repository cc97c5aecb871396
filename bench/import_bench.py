"""Import benchmark: `c360 seed --customers N` against a throwaway local Neo4j.

    .venv/bin/python bench/import_bench.py [--customers 100000] [--heap 4g] [--pagecache 4g]
    .venv/bin/python bench/import_bench.py --import-file   # the same data through `c360 import`

It starts a fresh Neo4j in a temporary C360_HOME on free ports, runs the real command line
(`python -m cli seed ...`, or with `--import-file` writes the same demo data as a JSON Lines
file first, untimed, and runs `python -m cli import FILE`) against it, and measures:

- lines/s as the command reports it (lines generated, validated and written, divided by the
  import time) and over the whole command (process start, migrate and Faker setup included);
- peak memory (ru_maxrss) of the `c360 seed` process, and the Neo4j JVM's peak RSS (VmHWM);
- CPU time of the `c360` process and of the Neo4j JVM, the JVM's split by thread (garbage
  collection, JIT compilation, the rest: Bolt workers running the statements), and the CPU
  other processes took meanwhile;
- what ended up in the graph (node and relationship counts).

Results go to bench/results/import-<time>.json (git-ignored) and a table on the terminal.
Neo4j is stopped and the folder removed afterwards (`--keep` keeps them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.local.instance import USER, LocalNeo4j  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SUMMARY = re.compile(r"(?:Seeded|Imported) ([\d,]+) lines in ([\d.]+) s \(([\d,]+) lines/s\)")
console = Console()


def peak_rss_mb(pid: int) -> float | None:
    """A running process's peak resident set (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def write_demo_file(path: Path, customers: int, seed: int) -> None:
    """The lines `c360 seed` would import, as a JSON Lines file."""
    import orjson

    from graph.ingest.seed import generate

    with path.open("wb") as out:
        for _, _, line in generate(customers, seed):
            out.write(orjson.dumps(line) + b"\n")


def run_measured(command: list[str], env: dict[str, str]) -> tuple[int, str, str, Any]:
    """Run a command; return its status, output, errors and its own resource usage."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return process.returncode, out.read().decode(), err.read().decode(), usage


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time of a running JVM's threads, by thread name (numbers stripped)."""
    names: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended
        name, rest = stat.split("(", 1)[1].rsplit(")", 1)
        fields = rest.split()
        name = re.sub(r"[#\-]?\d+$", "", name)
        names[name] = names.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return names


def thread_groups(names: dict[str, float]) -> dict[str, float]:
    """Thread CPU summed into garbage collection, JIT compilation and the rest."""
    groups = {"gc": 0.0, "jit": 0.0, "other": 0.0}
    for name, seconds in names.items():
        if name.startswith(("GC Thread", "G1 ", "GC ", "ParGC", "VM Periodic")):
            groups["gc"] += seconds
        elif name.startswith(("C1 Compiler", "C2 Compiler")):
            groups["jit"] += seconds
        else:
            groups["other"] += seconds
    return groups


def machine_busy_seconds() -> float:
    """CPU time all processes on the machine have used (from /proc/stat), summed over cores."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def graph_counts(uri: str, password: str) -> dict[str, int]:
    with neo4j.GraphDatabase.driver(uri, auth=(USER, password)) as driver:
        nodes, _, _ = driver.execute_query(
            "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n", database_="neo4j"
        )
        rels, _, _ = driver.execute_query(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", database_="neo4j"
        )
    return {r["label"]: r["n"] for r in nodes} | {r["type"]: r["n"] for r in rels}


def run(args: argparse.Namespace) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="c360-bench-"))
    local = LocalNeo4j(home)
    try:
        with console.status(f"Starting a fresh Neo4j in {home} ..."):
            status = local.start(port=0, heap=args.heap, pagecache=args.pagecache)
        env = os.environ | {
            "NEO4J_URI": status.bolt_uri,
            "NEO4J_USER": USER,
            "NEO4J_PASSWORD": local.password(),
            "NEO4J_DATABASE": "neo4j",
            "C360_HOME": str(home),
        }
        if args.import_file:
            data = home / "demo.jsonl"
            with console.status(f"Writing the demo data to {data} ..."):
                write_demo_file(data, args.customers, args.seed)
            command = [sys.executable, "-m", "cli", "import", str(data)]
        else:
            command = [sys.executable, "-m", "cli", "seed", "--customers", str(args.customers)]
            command += ["--seed", str(args.seed)]
        command += ["--batch-size", str(args.batch_size), "--writers", str(args.writers)]
        console.print(f"$ c360 {' '.join(command[3:])}")
        neo4j_pid = local.pid()
        assert neo4j_pid is not None
        neo4j_cpu = cpu_seconds(neo4j_pid)
        threads = thread_cpu_seconds(neo4j_pid)
        busy = machine_busy_seconds()
        started = time.perf_counter()
        status_code, stdout, stderr, usage = run_measured(command, env)
        wall = time.perf_counter() - started
        neo4j_cpu = cpu_seconds(neo4j_pid) - neo4j_cpu
        threads = {k: v - threads.get(k, 0.0) for k, v in thread_cpu_seconds(neo4j_pid).items()}
        busy = machine_busy_seconds() - busy
        child_peak_mb = usage.ru_maxrss / 1024
        python_cpu = usage.ru_utime + usage.ru_stime
        if status_code != 0:
            console.print(stdout, stderr, markup=False)
            raise SystemExit(f"the command failed with status {status_code}")
        # What the command line needs before doing anything (imports): the import's own
        # memory is what the peak adds to this.
        baseline = run_measured([sys.executable, "-m", "cli", "--help"], env)[3]
        baseline_mb = baseline.ru_maxrss / 1024
        match = SUMMARY.search(stdout)
        if match is None:
            raise SystemExit(f"no summary line in the output:\n{stdout}")
        lines = int(match.group(1).replace(",", ""))
        import_s = float(match.group(2))
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "cpus": os.cpu_count(),
                "memory_gb": round(
                    os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
                ),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "settings": {
                "command": "import" if args.import_file else "seed",
                "customers": args.customers,
                "seed": args.seed,
                "batch_size": args.batch_size,
                "writers": args.writers,
                "heap": args.heap,
                "pagecache": args.pagecache,
            },
            "lines": lines,
            "import_seconds": import_s,
            "lines_per_second": round(lines / import_s),
            "command_seconds": round(wall, 1),
            "lines_per_second_whole_command": round(lines / wall),
            "python_peak_rss_mb": round(child_peak_mb),
            "python_baseline_rss_mb": round(baseline_mb),
            "neo4j_peak_rss_mb": round(peak_rss_mb(neo4j_pid) or 0),
            "python_cpu_seconds": round(python_cpu, 1),
            "neo4j_cpu_seconds": round(neo4j_cpu, 1),
            # of which: garbage collection, JIT compilation, the rest (queries, Bolt, commits)
            "neo4j_cpu_seconds_by_threads": {
                k: round(v, 1) for k, v in thread_groups(threads).items()
            },
            "neo4j_busiest_threads": {
                k: round(v, 1)
                for k, v in sorted(threads.items(), key=lambda kv: -kv[1])[:12]
                if v >= 0.1
            },
            # CPU that other processes took meanwhile: a busy machine makes lines/s meaningless
            "other_processes_cpu_seconds": round(max(busy - python_cpu - neo4j_cpu, 0), 1),
            "cpu_microseconds_per_line": {
                "python": round(python_cpu / lines * 1e6, 1),
                "neo4j": round(neo4j_cpu / lines * 1e6, 1),
            },
            "graph": graph_counts(status.bolt_uri, local.password()),
        }
    finally:
        if args.keep:
            console.print(f"Kept Neo4j running in {home} (stop: C360_HOME={home} c360 neo4j stop)")
        else:
            with console.status("Stopping Neo4j ..."):
                local.stop()
            shutil.rmtree(home, ignore_errors=True)


def show(result: dict[str, Any]) -> None:
    settings = result["settings"]
    table = Table(title=f"c360 {settings['command']}: {settings['customers']:,} customers")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("lines imported", f"{result['lines']:,}"),
        ("import time", f"{result['import_seconds']:.1f} s"),
        ("lines/s (import)", f"{result['lines_per_second']:,}"),
        ("whole command", f"{result['command_seconds']:.1f} s"),
        ("lines/s (whole command)", f"{result['lines_per_second_whole_command']:,}"),
        ("peak RSS, c360 (Python)", f"{result['python_peak_rss_mb']:,} MB"),
        ("peak RSS, `c360 --help` (baseline)", f"{result['python_baseline_rss_mb']:,} MB"),
        ("peak RSS, Neo4j JVM", f"{result['neo4j_peak_rss_mb']:,} MB"),
        ("CPU, c360 (Python)", f"{result['python_cpu_seconds']:.0f} s"),
        ("CPU, Neo4j", f"{result['neo4j_cpu_seconds']:.0f} s"),
        (
            "CPU, Neo4j: GC / JIT / other threads",
            " / ".join(
                f"{result['neo4j_cpu_seconds_by_threads'].get(k, 0):.0f}"
                for k in ("gc", "jit", "other")
            )
            + " s",
        ),
        ("CPU, other processes meanwhile", f"{result['other_processes_cpu_seconds']:.0f} s"),
        (
            "CPU per line, Python / Neo4j",
            "{python} / {neo4j} µs".format(**result["cpu_microseconds_per_line"]),
        ),
    ]
    rows += [(f"graph: {k}", f"{v:,}") for k, v in sorted(result["graph"].items())]
    for row in rows:
        table.add_row(*row)
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--heap", default="4g", help="Neo4j JVM heap")
    parser.add_argument("--pagecache", default="4g", help="Neo4j page cache")
    parser.add_argument("--keep", action="store_true", help="leave Neo4j and its folder")
    parser.add_argument(
        "--import-file", action="store_true", help="time `c360 import` of the demo data instead"
    )
    args = parser.parse_args()
    result = run(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kind = "import" if args.import_file else "seed"
    out = RESULTS / f"{kind}-{args.customers}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
