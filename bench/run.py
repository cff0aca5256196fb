"""Benchmark: generation and loading speed and peak memory, by source and sample size.

``make bench`` (or ``cur bench --appeals 20000,200000``) generates each sample size into a
temporary landing folder, loads each source family into a throw-away database on the warehouse
(embedded by default, ``CUR_WAREHOUSE_DSN`` otherwise), and writes ``bench/results.md``.
Each phase runs in its own process so its peak RSS is measured alone (``wait4`` rusage).
Memory should stay flat as files grow: compare the peak RSS across sizes.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from core.warehouse import resolve_dsn
from ingestion.sources import SOURCES, tables_of

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measure:
    size: int
    phase: str
    files: int
    rows: int
    megabytes: float
    seconds: float
    peak_rss_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB of that process)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024


def _with_db(dsn: str, name: str) -> str:
    head, _, _ = dsn.rpartition("/")
    return f"{head}/{name}"


def copy_baseline(dsn: str, source: str) -> float:
    """Seconds a plain ``COPY … FROM STDIN`` takes to put the rows just loaded for ``source`` into the
    same raw tables again (text format, in one transaction that is then rolled back): the speed the
    loader is measured against."""
    seconds = 0.0
    with psycopg.connect(dsn) as conn:
        for table in tables_of(source):
            cols = ", ".join(("batch_id", "source_row", *table.column_names))
            with tempfile.TemporaryFile() as spool:
                with (
                    conn.cursor() as cur,
                    cur.copy(f"copy (select {cols} from {table.qualified}) to stdout") as cp,
                ):
                    for chunk in cp:
                        spool.write(chunk)
                spool.seek(0)
                with conn.transaction(force_rollback=True):
                    started = time.perf_counter()
                    with conn.cursor() as cur, cur.copy(f"copy {table.qualified} ({cols}) from stdin") as cp:
                        for chunk in iter(lambda: spool.read(1 << 20), b""):
                            cp.write(chunk)
                    seconds += time.perf_counter() - started
    return seconds


def bench_size(size: int, dsn: str, workdir: Path) -> list[Measure]:
    cur = str(Path(sys.executable).parent / "cur")
    landing = workdir / f"landing_{size}"
    env = dict(os.environ)
    secs, rss = _run([cur, "data", "generate", "--out", str(landing), "--appeals", str(size)], env)
    files = [p for p in landing.rglob("*") if p.is_file() and not p.name.startswith("_")]
    generated = Measure(
        size, "generate (all sources)", len(files), 0, sum(p.stat().st_size for p in files) / 1e6, secs, rss
    )

    db = f"cur_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_with_db(dsn, "postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{db}"')
    results = [generated]
    try:
        env["CUR_WAREHOUSE_DSN"] = _with_db(dsn, db)
        for source in SOURCES:
            secs, rss = _run([cur, "data", "ingest", "--landing", str(landing), "--source", source], env)
            with psycopg.connect(env["CUR_WAREHOUSE_DSN"]) as conn:
                row = conn.execute(
                    "select count(*), coalesce(sum(rows_read), 0), coalesce(sum(file_bytes), 0)"
                    " from raw.load_batches where source = %s and status = 'loaded'",
                    (source,),
                ).fetchone()
            assert row is not None
            results.append(
                Measure(size, f"load {source}", int(row[0]), int(row[1]), int(row[2]) / 1e6, secs, rss)
            )
            copy_secs = copy_baseline(env["CUR_WAREHOUSE_DSN"], source)
            results.append(
                Measure(size, f"plain COPY {source}", int(row[0]), int(row[1]), 0.0, copy_secs, 0.0)
            )
        rows = sum(m.rows for m in results[1:] if m.phase.startswith("load"))
        generated_rows = Measure(
            size,
            generated.phase,
            generated.files,
            rows,
            generated.megabytes,
            generated.seconds,
            generated.peak_rss_mb,
        )
        results[0] = generated_rows
    finally:
        with psycopg.connect(_with_db(dsn, "postgres"), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{db}" with (force)')
        shutil.rmtree(landing, ignore_errors=True)
    return results


def to_markdown(measures: list[Measure]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Produced by `make bench`; each phase is a separate process.",
        "Rows are source rows read (appeals, incidents, EDMS records, indicator lines):"
        " loaded plus quarantined. `plain COPY <source>` is the time a bare `COPY … FROM STDIN` of the"
        " rows just loaded takes into the same raw tables (rolled back): the ceiling the loader is"
        " measured against; its rows/s counts the same source rows.",
        "",
        "| appeals | phase | files | rows | MB | seconds | rows/s | peak RSS, MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measures:
        lines.append(
            f"| {m.size:,} | {m.phase} | {m.files} | {m.rows:,} | {m.megabytes:,.1f} | {m.seconds:,.1f} | "
            f"{m.rows_per_second:,.0f} | {m.peak_rss_mb:,.0f} |"
        )
    return "\n".join(lines) + "\n"


DEFAULT_OUT = ROOT / "bench" / "results.md"


def run_bench(sizes: list[int], out: Path = DEFAULT_OUT, report: Callable[[str], None] = print) -> str:
    """Measure every size, write the Markdown table to ``out`` and return it."""
    dsn = resolve_dsn(start=True)
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="cur_bench_") as tmp:
        for size in sizes:
            report(f"benchmarking {size:,} appeals …")
            measures += bench_size(size, dsn, Path(tmp))
    table = to_markdown(measures)
    out.write_text(table, encoding="utf-8")
    return table
