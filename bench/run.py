"""Benchmark: generation and loading speed and peak memory, by source and sample size.

``make bench`` (or ``cur bench --appeals 20000,200000``) generates each sample size into a
temporary landing folder, loads each source family into a throw-away database on the warehouse
(embedded by default, ``CUR_WAREHOUSE_DSN`` otherwise), and writes the measured table to
``bench/results/latest.md`` and ``latest.csv`` with a description of the machine (the hand-written
comparisons stay in ``bench/results.md``). Each phase runs in its own process so its peak RSS is
measured alone (``wait4`` rusage). Memory should stay flat as files grow: compare the peak RSS across
sizes.

Two times are kept per load: the process's wall time (interpreter start, imports and connection
included) and the loader's own time (the sum of the batches' ``finished_at - started_at``: hashing,
reading, COPY, commit of every file). ``of COPY`` is the plain COPY's time over the loader's.
``--compare`` also loads every source with the per-value path only (``CUR_INGEST_FAST_PATH=false``),
and ``--before-code DIR`` with the code of another checkout (for example
``git archive <commit> | tar -x -C DIR``), both on the same files in the same run.
"""

from __future__ import annotations

import csv
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

from bench.phases import WarehouseResults, warehouse_phases
from bench.phases import csv_rows as warehouse_csv_rows
from bench.phases import to_markdown as warehouse_markdown
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
    loader_seconds: float | None = None  # loads: the batches' own time; plain COPY: the COPY's
    copy_seconds: float | None = None  # loads: the plain COPY of the same rows

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def loader_rows_per_second(self) -> float | None:
        return self.rows / self.loader_seconds if self.loader_seconds else None

    @property
    def of_copy(self) -> float | None:
        """The loader's speed as a share of the plain COPY's (loads only)."""
        if not self.loader_seconds or self.copy_seconds is None:
            return None
        return self.copy_seconds / self.loader_seconds


def _run(
    args: list[str], env: dict[str, str], cwd: Path | None = None, *, check: bool = True
) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB of that process and its children: the
    largest single one, as ``wait4`` reports it). ``check=False``: a non-zero exit (a failed data
    test, a failed expectation) is measured all the same."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if check and os.waitstatus_to_exitcode(status) != 0:
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


def _load(
    source: str,
    landing: Path,
    dsn: str,
    env: dict[str, str],
    *,
    code: Path | None = None,
    fast_path: bool = True,
) -> tuple[float, float, int, int, int, float]:
    """Load one source family in its own process into ``dsn``: (wall seconds, peak RSS MB, files,
    rows read, bytes, loader seconds)."""
    env = {**env, "CUR_WAREHOUSE_DSN": dsn, "CUR_INGEST_FAST_PATH": "true" if fast_path else "false"}
    if code is None:
        args = [str(Path(sys.executable).parent / "cur")]
    else:  # another checkout's code, with this environment's packages
        env["PYTHONPATH"] = str(code)
        args = [sys.executable, "-c", "from cli.main import main; main()"]
    args += ["data", "ingest", "--landing", str(landing), "--source", source]
    secs, rss = _run(args, env, cwd=code)
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            """select count(*), coalesce(sum(rows_read), 0), coalesce(sum(file_bytes), 0),
                      coalesce(extract(epoch from sum(finished_at - started_at)), 0)
               from raw.load_batches where source = %s and status = 'loaded'""",
            (source,),
        ).fetchone()
    assert row is not None
    return secs, rss, int(row[0]), int(row[1]), int(row[2]), float(row[3])


def _create_db(dsn: str) -> str:
    db = f"cur_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_with_db(dsn, "postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{db}"')
    return db


def bench_size(
    size: int,
    dsn: str,
    workdir: Path,
    *,
    compare: bool = False,
    before_code: Path | None = None,
    warehouse: bool = True,
    serving_repeats: int = 20,
    keep: bool = False,
    report: Callable[[str], None] = print,
) -> tuple[list[Measure], WarehouseResults | None]:
    cur = str(Path(sys.executable).parent / "cur")
    landing = workdir / f"landing_{size}"
    env = dict(os.environ)
    secs, rss = _run([cur, "data", "generate", "--out", str(landing), "--appeals", str(size)], env)
    files = [p for p in landing.rglob("*") if p.is_file() and not p.name.startswith("_")]
    generated = Measure(
        size, "generate (all sources)", len(files), 0, sum(p.stat().st_size for p in files) / 1e6, secs, rss
    )

    variants: list[tuple[str, Path | None, bool]] = [("", None, True)]
    if compare:
        variants.append((" (per-value path)", None, False))
    if before_code is not None:
        variants.append((" (before-code)", before_code, True))
    dbs = {label: _create_db(dsn) for label, _, _ in variants}
    results = [generated]
    extra: WarehouseResults | None = None
    try:
        for source in SOURCES:
            copy_secs: float | None = None
            for label, code, fast in variants:
                target = _with_db(dsn, dbs[label])
                secs, rss, n_files, rows, size_bytes, loader = _load(
                    source, landing, target, env, code=code, fast_path=fast
                )
                if copy_secs is None:
                    copy_secs = copy_baseline(target, source)
                results.append(
                    Measure(
                        size,
                        f"load {source}{label}",
                        n_files,
                        rows,
                        size_bytes / 1e6,
                        secs,
                        rss,
                        loader_seconds=loader,
                        copy_seconds=copy_secs,
                    )
                )
                if not label:
                    results.append(
                        Measure(size, f"plain COPY {source}", n_files, rows, 0.0, copy_secs, 0.0, copy_secs)
                    )
        rows = sum(m.rows for m in results[1:] if m.phase.startswith("load") and "(" not in m.phase)
        results[0] = Measure(
            size,
            generated.phase,
            generated.files,
            rows,
            generated.megabytes,
            generated.seconds,
            generated.peak_rss_mb,
        )
        if warehouse:
            extra = warehouse_phases(
                size, cur, _with_db(dsn, dbs[""]), env, workdir, _run, serving_repeats=serving_repeats
            )
    finally:
        with psycopg.connect(_with_db(dsn, "postgres"), autocommit=True) as conn:
            for label, db in dbs.items():
                if keep and not label:
                    report(f"kept the warehouse database {db} ({size:,} appeals)")
                    continue
                conn.execute(f'drop database if exists "{db}" with (force)')
        shutil.rmtree(landing, ignore_errors=True)
    return results, extra


def machine() -> dict[str, str]:
    """What the figures were measured on: they are only comparable within one run."""
    load = os.getloadavg()
    return {
        "when": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load average (1, 5, 15 min)": ", ".join(f"{x:.1f}" for x in load),
    }


def _fmt(x: float | None, spec: str) -> str:
    return "" if x is None else format(x, spec)


COLUMNS = (
    "appeals",
    "phase",
    "files",
    "rows",
    "MB",
    "process s",
    "loader s",
    "rows/s (loader)",
    "of COPY",
    "peak RSS, MB",
)


def _cells(m: Measure) -> list[str]:
    return [
        f"{m.size:,}",
        m.phase,
        str(m.files),
        f"{m.rows:,}",
        f"{m.megabytes:,.1f}",
        f"{m.seconds:,.1f}",
        _fmt(m.loader_seconds, ",.2f"),
        _fmt(m.loader_rows_per_second, ",.0f"),
        _fmt(None if m.of_copy is None else 100 * m.of_copy, ".0f") + (" %" if m.of_copy else ""),
        f"{m.peak_rss_mb:,.0f}",
    ]


def to_markdown(measures: list[Measure], about: dict[str, str]) -> str:
    lines = [
        "# Benchmark results (generated)",
        "",
        "Written by `make bench` / `cur bench`; do not edit (the comparisons by hand are in"
        " `bench/results.md`).",
        "",
        *(f"- {k}: {v}" for k, v in about.items()),
        "",
        "Rows are source rows read (appeals, incidents, EDMS records, indicator lines): loaded plus"
        " quarantined. `process s` is the wall time of the `cur data ingest` process (interpreter start"
        " and imports included); `loader s` the loader's own time (the sum of its batches); `plain COPY"
        " <source>` a bare `COPY … FROM STDIN` of the rows just loaded into the same raw tables (rolled"
        " back); `of COPY` the loader's speed as a share of that COPY's.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += ["| " + " | ".join(_cells(m)) + " |" for m in measures]
    return "\n".join(lines) + "\n"


def write_csv(measures: list[Measure], about: dict[str, str], out: Path) -> None:
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for k, v in about.items():
            w.writerow([f"# {k}: {v}"])
        w.writerow(COLUMNS)
        for m in measures:
            w.writerow([c.replace(",", "").removesuffix(" %") for c in _cells(m)])


DEFAULT_OUT = ROOT / "bench" / "results" / "latest.md"


def run_bench(
    sizes: list[int],
    out: Path = DEFAULT_OUT,
    report: Callable[[str], None] = print,
    *,
    compare: bool = False,
    before_code: Path | None = None,
    warehouse: bool = True,
    serving_repeats: int = 20,
    keep: bool = False,
) -> str:
    """Measure every size, write the Markdown table to ``out`` (and a CSV next to it, and the
    warehouse phases' figures in ``<out>_warehouse.csv``); return the Markdown. ``keep``: the largest
    size's warehouse database is left in place (its name is reported)."""
    dsn = resolve_dsn(start=True)
    measures: list[Measure] = []
    about = machine()
    with psycopg.connect(dsn) as conn:
        row = conn.execute("show server_version").fetchone()
    about["PostgreSQL"] = str(row[0]) if row else "?"
    extras: list[WarehouseResults] = []
    with tempfile.TemporaryDirectory(prefix="cur_bench_") as tmp:
        for size in sizes:
            report(f"benchmarking {size:,} appeals …")
            measured, extra = bench_size(
                size,
                dsn,
                Path(tmp),
                compare=compare,
                before_code=before_code,
                warehouse=warehouse,
                serving_repeats=serving_repeats,
                keep=keep and size == max(sizes),
                report=report,
            )
            measures += measured
            if extra is not None:
                extras.append(extra)
    about["load average at the end"] = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    table = to_markdown(measures, about)
    if extras:
        table += warehouse_markdown(extras)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table, encoding="utf-8")
    write_csv(measures, about, out.with_suffix(".csv"))
    if extras:
        with out.with_name(out.stem + "_warehouse.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            for k, v in about.items():
                w.writerow([f"# {k}: {v}"])
            w.writerows(warehouse_csv_rows(extras))
    return table
