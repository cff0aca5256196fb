"""The benchmark's phases after loading: dbt (full, then incremental after the next day as the daily
job runs it, then the full-refresh equality test alone), Great Expectations, serving queries, and
pandas ``to_sql`` against COPY on a sample.

Each command runs as the operator would run it (``cur dbt …``, ``cur quality …``) in its own process
with ``CUR_WAREHOUSE_DSN`` pointing at the benchmark's throw-away database, so its wall time and peak
RSS (``wait4``: the process and its largest waited-for child, e.g. dbt under ``cur dbt``) are its own.
The PostgreSQL server's memory is not in these figures (its settings bound it: see README, "Scaling
notes").
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.nextday import NextDay, add_next_day
from bench.render import RenderResults, RenderUnavailable, render_leadership
from bench.serving import Timing, serving_timings
from core.dbt import FULL_REFRESH_EQUALITY_TAG, dbt_build_args

# bench.run._run: (command, environment, check=…) -> (wall seconds, peak RSS MB)
Runner = Callable[..., tuple[float, float]]


@dataclass(frozen=True)
class DbtRun:
    label: str
    seconds: float
    peak_rss_mb: float
    models_seconds: float
    tests_seconds: float
    nodes: int
    failed: int
    slowest: list[tuple[str, float]]
    slowest_tests: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class WarehouseResults:
    """What the phases after loading measured for one sample size."""

    size: int
    appeals_in_facts: int = 0
    seed_seconds: float = 0.0
    runs: list[DbtRun] = field(default_factory=list)
    next_day: NextDay | None = None
    gx: list[tuple[str, float, float]] = field(default_factory=list)  # (phase, seconds, peak RSS)
    scan: Timing | None = None
    serving: list[Timing] = field(default_factory=list)
    serving_source: str = ""
    render: RenderResults | None = None
    render_note: str = ""  # why the browser phase was not measured
    # (table, rows, to_sql seconds, COPY seconds)
    to_sql: list[tuple[str, int, float, float]] = field(default_factory=list)


def _slowest(results: list[dict[str, Any]], kind: str, n: int = 10) -> list[tuple[str, float]]:
    """The ``n`` slowest nodes of ``kind`` (model, test): (name, seconds)."""
    nodes = [
        (r["unique_id"], float(r["execution_time"])) for r in results if r["unique_id"].startswith(kind + ".")
    ]
    part = -1 if kind == "model" else 2  # test.<project>.<name>.<hash>: the name
    return [(uid.split(".")[part], s) for uid, s in sorted(nodes, key=lambda m: -m[1])[:n]]


def _dbt(cur: str, args: list[str], env: dict[str, str], target: Path, label: str, run: Runner) -> DbtRun:
    """Run dbt; its figures from ``run_results.json`` (models' and tests' seconds, nodes, failures)."""
    seconds, rss = run([cur, "dbt", *args, "--target-path", str(target)], env, check=False)
    path = target / "run_results.json"
    if not path.exists():
        return DbtRun(label, seconds, rss, 0.0, 0.0, 0, 0, [])
    results = json.loads(path.read_text(encoding="utf-8"))["results"]

    def total(kind: str) -> float:
        return sum(float(r["execution_time"]) for r in results if r["unique_id"].startswith(kind + "."))

    return DbtRun(
        label,
        seconds,
        rss,
        total("model"),
        total("test"),
        len(results),
        sum(1 for r in results if r["status"] in ("error", "fail")),
        _slowest(results, "model"),
        _slowest(results, "test"),
    )


def to_sql_baseline(dsn: str, table: str, sample: int = 20_000) -> tuple[int, float, float]:
    """(rows, pandas ``DataFrame.to_sql`` seconds, plain COPY seconds) for ``sample`` rows of ``table``:
    the usual pandas route (it creates its own table, inserts in chunks of 5,000) against a COPY of the
    same rows into an empty copy of the table. Both scratch tables are dropped."""
    import pandas as pd
    from sqlalchemy import create_engine

    url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    schema = table.split(".")[0]
    try:
        with engine.connect() as conn:
            frame = pd.read_sql(f"select * from {table} limit {sample}", conn)
        rows = len(frame)
        started = time.perf_counter()
        frame.to_sql("bench_to_sql", engine, schema=schema, if_exists="replace", index=False, chunksize=5_000)
        to_sql_seconds = time.perf_counter() - started
        with psycopg.connect(dsn, autocommit=True) as conn:
            buffer = io.BytesIO()
            query = f"copy (select * from {table} limit {sample}) to stdout"
            with conn.cursor() as cur, cur.copy(query) as cp:
                for chunk in cp:
                    buffer.write(chunk)
            conn.execute(f"drop table if exists {schema}.bench_to_sql")
            conn.execute(f"create table {schema}.bench_copy (like {table})")
            started = time.perf_counter()
            with conn.cursor() as cur, cur.copy(f"copy {schema}.bench_copy from stdin") as cp:
                cp.write(buffer.getvalue())
            copy_seconds = time.perf_counter() - started
            conn.execute(f"drop table {schema}.bench_copy")
    finally:
        engine.dispose()
    return rows, to_sql_seconds, copy_seconds


def warehouse_phases(
    size: int,
    cur: str,
    target_dsn: str,
    env: dict[str, str],
    workdir: Path,
    run: Runner,
    *,
    serving_repeats: int = 20,
) -> WarehouseResults:
    """dbt seed and full build, GX validation and certification, the next day's slice and the
    incremental build, the serving queries, and to_sql on a sample, on the loaded ``target_dsn``."""
    out = WarehouseResults(size)
    env = {**env, "CUR_WAREHOUSE_DSN": target_dsn}
    dbt_dir = workdir / f"dbt_{size}"
    out.seed_seconds, _ = run([cur, "dbt", "seed", "--target-path", str(dbt_dir / "seed")], env, check=False)
    out.runs.append(_dbt(cur, ["build"], env, dbt_dir / "full", "full build", run))
    docs = workdir / f"gx_{size}"
    for phase in ("validate", "certify"):  # the first run reads every raw row, the second none
        seconds, rss = run([cur, "quality", phase, "--docs-dir", str(docs)], env, check=False)
        out.gx.append((f"GX {phase} (after the full build)", seconds, rss))
    out.next_day = add_next_day(target_dsn)
    # as the daily job builds (without the full-refresh equality tests), then those tests on their own
    daily = dbt_build_args(full_refresh=False)
    out.runs.append(_dbt(cur, daily, env, dbt_dir / "incremental", "incremental build (next day)", run))
    equality = ["test", "--select", f"tag:{FULL_REFRESH_EQUALITY_TAG}"]
    out.runs.append(_dbt(cur, equality, env, dbt_dir / "equality", "full-refresh equality test", run))
    seconds, rss = run([cur, "quality", "certify", "--docs-dir", str(docs)], env, check=False)
    out.gx.append(("GX certify (after the incremental build: raw rows of the new batches)", seconds, rss))
    seconds, rss = run([cur, "quality", "certify", "--full", "--docs-dir", str(docs)], env, check=False)
    out.gx.append(("GX certify --full (every raw row)", seconds, rss))
    with psycopg.connect(target_dsn) as conn:
        row = conn.execute("select count(*) from marts.fct_appeals").fetchone()
        out.appeals_in_facts = int(row[0]) if row else 0
    queries = None
    try:
        out.render = render_leadership(target_dsn)
        queries = out.render.queries or None
    except RenderUnavailable as exc:
        out.render_note = str(exc)
    except Exception as exc:  # a failed browser phase is reported; the hours of figures before it are kept
        out.render_note = f"failed: {type(exc).__name__}: {exc}"[:500]
    out.serving_source = (
        "as Superset ran them (its chart data API's answers while the dashboard rendered)"
        if queries
        else "rebuilt from the bundle (bench/serving.py)"
    )
    out.scan, out.serving = serving_timings(target_dsn, serving_repeats, queries)
    for table in ("raw.pos_appeals", "raw.im_incidents"):
        out.to_sql.append((table, *to_sql_baseline(target_dsn, table)))
    return out


def _ratio(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else ""


def _render_lines(r: WarehouseResults) -> list[str]:
    """The browser phase (bench/render.py), or why it was not measured."""
    if r.render is None:
        return (
            ["", f"Leadership dashboard in the browser: not measured ({r.render_note})."]
            if r.render_note
            else []
        )
    x = r.render
    failed = f"; not rendered: {', '.join(x.not_rendered)}" if x.not_rendered else ""
    return [
        "",
        f"Leadership dashboard in the browser (bench/render.py: Chromium, {x.charts} charts{failed}; Superset"
        f" started in {x.superset_start_seconds:,.1f} s), from navigation until every chart settled:",
        "",
        "| opening | s |",
        "|---|---:|",
        f"| cold (first after Superset started) | {x.cold_seconds:,.2f} |",
        f"| warm (median of {len(x.warm_seconds)}) | {x.warm_median:,.2f} |",
    ]


def to_markdown(results: list[WarehouseResults]) -> str:
    """The Markdown sections of the warehouse phases (appended to the load table)."""
    lines: list[str] = []
    for r in results:
        full = next((x for x in r.runs if x.label == "full build"), None)
        lines += [
            "",
            f"## dbt, quality and serving at {r.size:,} appeals ({r.appeals_in_facts:,} rows in fct_appeals)",
            "",
        ]
        if r.next_day:
            nd = r.next_day
            lines += [
                f"Next day (bench/nextday.py): {nd.new_pos:,} new ПОС appeals and {nd.new_im:,} new"
                f" incidents,"
                f" {nd.updated_pos:,} ПОС appeals answered or postponed late and {nd.updated_im:,} incidents"
                f" finished late, {nd.written:,} written appeals' cards (new, answered or extended),"
                " in one new batch per source.",
                "",
            ]
        lines += [
            "| run | wall s | of full | models s | tests s | nodes | failed | peak RSS, MB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            f"| dbt seed | {r.seed_seconds:,.1f} | | | | | | |",
        ]
        for run in r.runs:
            of_full = _ratio(run.seconds, full.seconds) if full and run is not full else ""
            lines.append(
                f"| dbt {run.label} | {run.seconds:,.1f} | {of_full} | {run.models_seconds:,.1f} |"
                f" {run.tests_seconds:,.1f} | {run.nodes} | {run.failed} | {run.peak_rss_mb:,.0f} |"
            )
        for phase, seconds, rss in r.gx:
            of_full = _ratio(seconds, full.seconds) if full else ""
            lines.append(f"| {phase} | {seconds:,.1f} | {of_full} | | | | | {rss:,.0f} |")
        for run in (x for x in r.runs if x.slowest):
            lines += ["", f"Ten slowest models, {run.label}:", "", "| model | s |", "|---|---:|"]
            lines += [f"| {name} | {s:,.2f} |" for name, s in run.slowest]
        for run in (x for x in r.runs if x.slowest_tests):
            lines += ["", f"Ten slowest data tests, {run.label}:", "", "| test | s |", "|---|---:|"]
            lines += [f"| {name} | {s:,.2f} |" for name, s in run.slowest_tests]
        lines += _render_lines(r)
        if r.scan:
            lines += [
                "",
                f"Leadership dashboard queries {r.serving_source}, median and p95 of the repeated runs after"
                " one warm-up,"
                f" against one full scan of fct_appeals (median {r.scan.median_ms:,.1f} ms):",
                "",
                "| chart | median ms | p95 ms | p95 of a full scan |",
                "|---|---:|---:|---:|",
            ]
            lines += [
                f"| {t.name} | {t.median_ms:,.2f} | {t.p95_ms:,.2f} | {_ratio(t.p95_ms, r.scan.median_ms)} |"
                for t in r.serving
            ]
        if r.to_sql:
            lines += [
                "",
                "pandas `DataFrame.to_sql` (chunks of 5,000) against a plain COPY of the same sample rows:",
                "",
                "| table | rows | to_sql rows/s | COPY rows/s | to_sql, % of COPY |",
                "|---|---:|---:|---:|---:|",
            ]
            lines += [
                f"| {table} | {rows:,} | {rows / ts:,.0f} | {rows / cs:,.0f} | {_ratio(cs, ts)} |"
                for table, rows, ts, cs in r.to_sql
                if ts and cs
            ]
    return "\n".join(lines) + "\n"


def csv_rows(results: list[WarehouseResults]) -> list[list[str]]:
    """One row per measured item: size, section, item, seconds or ms, extra figure, peak RSS."""
    rows: list[list[str]] = [["appeals", "section", "item", "value", "unit", "extra", "peak RSS MB"]]
    for r in results:
        rows.append([str(r.size), "dbt", "seed", f"{r.seed_seconds:.2f}", "s", "", ""])
        for run in r.runs:
            rows.append(
                [
                    str(r.size),
                    "dbt",
                    run.label,
                    f"{run.seconds:.2f}",
                    "s",
                    f"models {run.models_seconds:.2f} s; tests {run.tests_seconds:.2f} s;"
                    f" failed {run.failed}",
                    f"{run.peak_rss_mb:.0f}",
                ]
            )
            rows += [
                [str(r.size), f"slowest: {run.label}", name, f"{s:.2f}", "s", "", ""]
                for name, s in run.slowest
            ]
            rows += [
                [str(r.size), f"slowest tests: {run.label}", name, f"{s:.2f}", "s", "", ""]
                for name, s in run.slowest_tests
            ]
        rows += [[str(r.size), "quality", phase, f"{s:.2f}", "s", "", f"{rss:.0f}"] for phase, s, rss in r.gx]
        if r.render:
            rows.append(
                [
                    str(r.size),
                    "browser",
                    "leadership dashboard, cold",
                    f"{r.render.cold_seconds:.2f}",
                    "s",
                    "",
                    "",
                ]
            )
            rows.append(
                [
                    str(r.size),
                    "browser",
                    "leadership dashboard, warm",
                    f"{r.render.warm_median:.2f}",
                    "s median",
                    f"runs {len(r.render.warm_seconds)}",
                    "",
                ]
            )
        if r.scan:
            rows.append(
                [
                    str(r.size),
                    "serving",
                    r.scan.name,
                    f"{r.scan.median_ms:.2f}",
                    "ms median",
                    f"p95 {r.scan.p95_ms:.2f}",
                    "",
                ]
            )
            rows += [
                [str(r.size), "serving", t.name, f"{t.median_ms:.2f}", "ms median", f"p95 {t.p95_ms:.2f}", ""]
                for t in r.serving
            ]
        rows += [
            [str(r.size), "to_sql", table, f"{ts:.3f}", "s", f"{rows_n} rows; COPY {cs:.3f} s", ""]
            for table, rows_n, ts, cs in r.to_sql
        ]
    return rows
