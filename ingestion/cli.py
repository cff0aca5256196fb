"""``cur``: the command line of the ЦУР warehouse. Thin over functions the tests call directly."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
import psycopg
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from ingestion.config import PROJECT_ROOT, get_settings
from ingestion.load import BatchResult, load_landing, recent_batches
from ingestion.sources import SOURCES
from ingestion.warehouse import EmbeddedWarehouse, WarehouseError, dbt_env, mask_dsn, resolve_dsn

# Wide enough for file names in logs and CI when the output is not a terminal.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """ЦУР warehouse: embedded PostgreSQL, sample data, loading of the landing folder.

    Configuration comes from the environment (see .env.example): CUR_WAREHOUSE_DSN selects an
    external PostgreSQL; without it the embedded server in CUR_STATE_DIR is used.
    """


# ---- warehouse --------------------------------------------------------------------------------


@main.group()
def warehouse() -> None:
    """Start, stop and inspect the embedded warehouse server."""


@warehouse.command("start")
def warehouse_start() -> None:
    """Initialise (first time) and start the embedded server; a no-op when it runs already."""
    settings = get_settings()
    if not settings.uses_embedded:
        console.print(
            f"CUR_WAREHOUSE_DSN is set: using the external server {mask_dsn(settings.warehouse_dsn or '')}"
        )
        return
    wh = EmbeddedWarehouse(settings)
    try:
        wh.start()
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc
    for notice in wh.notices:
        err_console.print(f"[yellow]note:[/] {notice}")
    console.print(f"embedded warehouse running: {mask_dsn(wh.dsn())} (data in {wh.paths.pgdata})")


@warehouse.command("stop")
def warehouse_stop() -> None:
    """Stop the embedded server (fast shutdown: open sessions are ended)."""
    wh = EmbeddedWarehouse()
    console.print("stopped" if wh.stop() else "the embedded warehouse was not running")


@warehouse.command("status")
def warehouse_status() -> None:
    """Say which server is in use and whether it answers."""
    settings = get_settings()
    if settings.uses_embedded:
        wh = EmbeddedWarehouse(settings)
        state = "running" if wh.is_running() else ("stopped" if wh.is_initialised() else "not initialised")
        console.print(f"embedded warehouse: {state}; data in {wh.paths.pgdata}")
        if state != "running":
            sys.exit(3)
        dsn = wh.dsn()
    else:
        dsn = settings.warehouse_dsn or ""
        console.print("external warehouse (CUR_WAREHOUSE_DSN)")
    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            version = conn.execute("show server_version").fetchone()
    except psycopg.Error as exc:
        raise click.ClickException(f"cannot connect to {mask_dsn(dsn)}: {exc}") from exc
    console.print(f"{mask_dsn(dsn)} answers: PostgreSQL {version[0] if version else '?'}")


@warehouse.command("dsn")
@click.option("--show-password", is_flag=True, help="Print the password instead of ***.")
def warehouse_dsn(show_password: bool) -> None:
    """Print the warehouse DSN (for psql, dbt profiles, Superset)."""
    try:
        dsn = resolve_dsn()
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(dsn if show_password else mask_dsn(dsn))


# ---- generate ---------------------------------------------------------------------------------


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Landing folder to write into. [default: CUR_LANDING_DIR or data/landing]",
)
@click.option(
    "--appeals",
    default=5000,
    show_default=True,
    type=click.IntRange(min=100),
    help="Number of ПОС appeals; incidents, поручения and indicators scale with it.",
)
@click.option("--seed", default=42, show_default=True, help="Random seed: same seed, same files.")
@click.option(
    "--start",
    "start",
    default="2025-11-01",
    show_default=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First month of the data.",
)
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 120), help="Months of data.")
@click.option(
    "--bad-rate",
    default=0.005,
    show_default=True,
    type=click.FloatRange(0, 0.5),
    help="Share of deliberately bad rows.",
)
def generate(
    out_dir: Path | None, appeals: int, seed: int, start: object, months: int, bad_rate: float
) -> None:
    """Write realistic sample source files of all four kinds into the landing folder."""
    from ingestion.generate import generate as run_generate

    out = out_dir or get_settings().landing_dir
    start_date = start.date() if hasattr(start, "date") else date.fromisoformat(str(start))
    with _progress() as progress:
        task = progress.add_task("generating", total=None)

        def report(name: str, rows: int) -> None:
            progress.update(task, description=f"{name}: {rows:,} rows")

        manifest = run_generate(
            out,
            appeals=appeals,
            seed=seed,
            start=start_date,
            months=months,
            bad_rate=bad_rate,
            progress=report,
        )
    files = manifest.files
    console.print(
        f"wrote {len(files)} files, {sum(f.rows for f in files):,} rows "
        f"({sum(f.bad_rows for f in files):,} deliberately bad) into {out}"
    )


# ---- ingest -----------------------------------------------------------------------------------


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def _results_table(results: list[BatchResult]) -> RichTable:
    table = RichTable(title="Load batches")
    for col in ("source", "file", "status", "batch", "read", "loaded", "quarantined", "seconds"):
        table.add_column(
            col, justify="right" if col in {"batch", "read", "loaded", "quarantined", "seconds"} else "left"
        )
    colours = {"loaded": "green", "skipped": "dim", "rejected": "red", "failed": "red"}
    for r in results:
        table.add_row(
            r.source,
            r.file_name,
            f"[{colours[r.status]}]{r.status}[/]",
            str(r.batch_id or ""),
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_quarantined:,}",
            f"{r.seconds:.2f}",
        )
    return table


def run_ingest(landing: Path, sources: tuple[str, ...], retry_rejected: bool) -> list[BatchResult]:
    try:
        dsn = resolve_dsn(start=True)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc
    with _progress() as progress:
        task = progress.add_task("loading", total=None)

        def report(name: str, rows: int) -> None:
            progress.update(task, description=f"{name}: {rows:,} rows")

        results = load_landing(dsn, landing, sources or None, progress=report, retry_rejected=retry_rejected)
    console.print(_results_table(results))
    loaded = [r for r in results if r.status == "loaded"]
    console.print(
        f"{len(loaded)} files loaded ({sum(r.rows_loaded for r in loaded):,} rows, "
        f"{sum(r.rows_quarantined for r in loaded):,} quarantined), "
        f"{sum(r.status == 'skipped' for r in results)} already loaded"
    )
    for r in results:
        if r.status in {"rejected", "failed"}:
            err_console.print(f"[red]{r.status}:[/] {r.error}")
    return results


@main.command()
@click.option(
    "--landing",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Landing folder with pos/, im/, delo/, indicators/. [default: CUR_LANDING_DIR]",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Choice(SOURCES),
    help="Only these source families (repeatable). [default: all]",
)
@click.option("--retry-rejected", is_flag=True, help="Try files again that were rejected before.")
def ingest(landing: Path | None, sources: tuple[str, ...], retry_rejected: bool) -> None:
    """Load every new file of the landing folder into the raw layer (one batch per file).

    Files already loaded (same content hash) are skipped. Exits with 1 if a file was rejected or
    failed; the other files are loaded all the same.
    """
    results = run_ingest(landing or get_settings().landing_dir, sources, retry_rejected)
    if any(r.status in {"rejected", "failed"} for r in results):
        sys.exit(1)


@main.command()
@click.option("--limit", default=20, show_default=True, help="How many batches.")
@click.option("--source", type=click.Choice(SOURCES), default=None, help="Only this source family.")
def batches(limit: int, source: str | None) -> None:
    """Show the latest load batches with their counts."""
    try:
        rows = recent_batches(resolve_dsn(), limit, source)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc
    table = RichTable(title="Recent load batches")
    for col in ("batch", "source", "file", "status", "read", "loaded", "quarantined", "finished", "error"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["batch_id"]),
            r["source"],
            r["file_name"],
            r["status"],
            f"{r['rows_read']:,}",
            f"{r['rows_loaded']:,}",
            f"{r['rows_quarantined']:,}",
            r["finished_at"].strftime("%Y-%m-%d %H:%M:%S") if r["finished_at"] else "",
            (r["error"] or "")[:80],
        )
    console.print(table)


@main.command()
@click.option("--batch", "batch_id", type=int, default=None, help="Only this batch.")
@click.option("--limit", default=30, show_default=True)
def quarantine(batch_id: int | None, limit: int) -> None:
    """Show quarantined rows: file, row, field, reason."""
    try:
        dsn = resolve_dsn()
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            """select b.file_name, q.source_row, q.field, q.reason
               from raw.quarantine q join raw.load_batches b using (batch_id)
               where %(b)s::bigint is null or q.batch_id = %(b)s
               order by q.batch_id desc, q.source_row limit %(n)s""",
            {"b": batch_id, "n": limit},
        ).fetchall()
    table = RichTable(title="Quarantine")
    for col in ("file", "row", "field", "reason"):
        table.add_column(col)
    for file_name, row, fld, reason in rows:
        table.add_row(file_name, str(row), fld or "", reason)
    console.print(table)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def dbt(dbt_args: tuple[str, ...]) -> None:
    """Run dbt on the warehouse, e.g. ``cur dbt build`` or ``cur dbt docs generate``.

    Sets the CUR_DBT_* connection variables from the warehouse DSN and runs dbt in dbt/ with the
    project's profiles.yml; every argument goes to dbt as is.
    """
    import os
    import subprocess

    try:
        dsn = resolve_dsn(start=True)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc
    project = PROJECT_ROOT / "dbt"
    exe = Path(sys.executable).parent / "dbt"
    args = [str(exe), *dbt_args]
    if dbt_args and "--profiles-dir" not in dbt_args:
        args += ["--profiles-dir", str(project)]
    code = subprocess.call(args, cwd=project, env={**os.environ, **dbt_env(dsn)})
    sys.exit(code)


def _print_run(summary: object, dsn: str, since_batch: int) -> None:
    from dagster_project.run import dagster_home, rows_per_layer

    rows = [r for r in recent_batches(dsn, 10_000) if r["batch_id"] > since_batch]
    results = [
        BatchResult(
            r["source"],
            r["file_name"],
            r["status"],
            r["batch_id"],
            r["rows_read"],
            r["rows_loaded"],
            r["rows_quarantined"],
            error=r["error"],
        )
        for r in reversed(rows)
    ]
    if results:
        console.print(_results_table(results))
    else:
        console.print("no new landing files: nothing loaded twice")
    layers = RichTable(title="Rows per layer (tables)")
    layers.add_column("schema")
    layers.add_column("rows", justify="right")
    for schema, n in sorted(rows_per_layer(dsn).items()):
        layers.add_row(schema, f"{n:,}")
    console.print(layers)
    s = summary  # RunSummary
    colour = "green" if s.success else "red"  # type: ignore[attr-defined]
    console.print(
        f"[{colour}]run {s.run_id} {'succeeded' if s.success else 'FAILED'}[/]: "  # type: ignore[attr-defined]
        f"{s.checks_passed} checks passed, {len(s.checks_failed)} failed"  # type: ignore[attr-defined]
    )
    for name in s.checks_failed:  # type: ignore[attr-defined]
        err_console.print(f"[red]check failed:[/] {name}")
    for step in s.failed_steps:  # type: ignore[attr-defined]
        err_console.print(f"[red]step failed:[/] {step}")
    if s.published:  # type: ignore[attr-defined]
        _print_publication(s.published)  # type: ignore[attr-defined]
    from expectations.context import default_docs_dir

    console.print(f"Great Expectations Data Docs: {default_docs_dir() / 'index.html'}")
    console.print(
        f"See the run, its lineage and checks in the Dagster UI: DAGSTER_HOME={dagster_home()} "
        f"{Path(sys.executable).parent / 'dagster'} dev -w {PROJECT_ROOT / 'workspace.yaml'}  "
        "(then open http://127.0.0.1:3000/runs)"
    )


def _print_publication(published: dict[str, str]) -> None:
    from superset_assets import launcher

    console.print(f"[bold]Superset[/] at {published.get('superset_url')}: dashboards")
    console.print(published.get("dashboards", ""), markup=False)
    console.print(f"certified marts: {published.get('certified')}")
    console.print(f"not certified: {published.get('not_certified')}")
    console.print(f"not validated (no suite): {published.get('not_validated')}")
    console.print(
        f"log in as {launcher.admin_user()} (password in {launcher.state_dir() / 'admin_password'} unless "
        "SUPERSET_ADMIN_PASSWORD is set); stop it with: python -m superset_assets.launcher stop"
    )


def run_through_dagster(job_name: str, run_config: dict | None = None) -> bool:
    from dagster_project.run import run_job

    try:
        dsn = resolve_dsn(start=True)
    except WarehouseError as exc:
        raise click.ClickException(str(exc)) from exc
    last = recent_batches(dsn, 1)
    since = last[0]["batch_id"] if last else 0
    console.print(f"running Dagster job [bold]{job_name}[/] …")
    summary = run_job(job_name, run_config)
    _print_run(summary, dsn, since)
    return summary.success


@main.command()
@click.argument("job", type=click.Choice(["daily_incremental", "full_refresh"]), default="daily_incremental")
def run(job: str) -> None:
    """Run a Dagster job in-process on the project's Dagster instance and print a summary.

    daily_incremental: load new landing files, dbt build; full_refresh: the same with --full-refresh.
    """
    if not run_through_dagster(job):
        sys.exit(1)


@main.command()
@click.option("--appeals", default=5000, show_default=True, help="Sample size when generating.")
def demo(appeals: int) -> None:
    """The main job: start the warehouse, generate sample data (once), run the pipeline in Dagster."""
    settings = get_settings()
    landing = settings.landing_dir
    ctx = click.get_current_context()
    ctx.invoke(warehouse_start)
    if not (landing / "_manifest.json").exists():
        ctx.invoke(
            generate, out_dir=landing, appeals=appeals, seed=42, start="2025-11-01", months=12, bad_rate=0.005
        )
    else:
        console.print(f"sample data already in {landing} (delete it to generate anew)")
    if not run_through_dagster("daily_incremental"):
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
