"""``cur pipeline``: the Dagster jobs, run in-process on the project's instance, with a summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.render import batches_table, console, counts_table, err_console, warehouse_or_fail
from core.paths import PROJECT_ROOT
from core.settings import get_settings
from ingestion.load import BatchResult, recent_batches

JOBS = ("daily_incremental", "full_refresh", "weekly_briefing", "briefing_pack")


@click.group()
def pipeline() -> None:
    """Run the Dagster jobs (loading, dbt, checks, publication) and the demo."""


def _new_batches(dsn: str, since_batch: int) -> list[BatchResult]:
    rows = [r for r in recent_batches(dsn, 10_000) if r["batch_id"] > since_batch]
    return [
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


def _print_publication(published: dict[str, str]) -> None:
    from superset_assets import launcher

    console.print(f"[bold]Superset[/] at {published.get('superset_url')}: dashboards")
    console.print(published.get("dashboards", ""), markup=False)
    console.print(f"certified marts: {published.get('certified')}")
    console.print(f"not certified: {published.get('not_certified')}")
    console.print(f"not validated (no suite): {published.get('not_validated')}")
    console.print(
        f"log in as {launcher.admin_user()} (password in {launcher.state_dir() / 'admin_password'} unless "
        "SUPERSET_ADMIN_PASSWORD is set); stop it with: cur superset stop"
    )


def _print_briefing(briefing: dict[str, str]) -> None:
    console.print(
        f"[bold]Briefing pack[/] for {briefing.get('week')}: {briefing.get('documents')} files in "
        f"{briefing.get('folder')}"
    )
    console.print(f"region PDF: {briefing.get('region_pdf')}", markup=False, soft_wrap=True)
    if briefing.get("withdrawn_certificates", "—") != "—":
        err_console.print(f"[red]certification withdrawn:[/] {briefing['withdrawn_certificates']}")


def run_through_dagster(job_name: str) -> bool:
    """Run a job of the Definitions and print what it loaded, built, checked and published."""
    from dagster_project.run import dagster_home, rows_per_layer, run_job

    dsn = warehouse_or_fail(start=True)
    last = recent_batches(dsn, 1)
    since = last[0]["batch_id"] if last else 0
    console.print(f"running Dagster job [bold]{job_name}[/] …")
    summary = run_job(job_name)
    results = _new_batches(dsn, since)
    if results:
        console.print(batches_table("Load batches", results))
    else:
        console.print("no new landing files: nothing loaded twice")
    console.print(counts_table("Rows per layer (tables)", rows_per_layer(dsn)))
    colour = "green" if summary.success else "red"
    console.print(
        f"[{colour}]run {summary.run_id} {'succeeded' if summary.success else 'FAILED'}[/]: "
        f"{summary.checks_passed} checks passed, {len(summary.checks_failed)} failed"
    )
    for name in summary.checks_failed:
        err_console.print(f"[red]check failed:[/] {name}")
    for step in summary.failed_steps:
        err_console.print(f"[red]step failed:[/] {step}")
    if summary.published:
        _print_publication(summary.published)
    if summary.briefing:
        _print_briefing(summary.briefing)
    console.print(f"Great Expectations Data Docs: {get_settings().gx_docs_dir / 'index.html'}")  # type: ignore[operator]
    console.print(
        f"See the run, its lineage and checks in the Dagster UI: DAGSTER_HOME={dagster_home()} "
        f"{Path(sys.executable).parent / 'dagster'} dev -w {PROJECT_ROOT / 'workspace.yaml'}  "
        "(then open http://127.0.0.1:3000/runs)"
    )
    return summary.success


def build_briefing_through_dagster() -> bool:
    """Run the job ``briefing_pack`` (the pack of the latest complete week) and print where it is."""
    from dagster_project.run import run_job

    console.print("running Dagster job [bold]briefing_pack[/] …")
    summary = run_job("briefing_pack")
    for step in summary.failed_steps:
        err_console.print(f"[red]step failed:[/] {step} (see the run {summary.run_id} in the Dagster UI)")
    if summary.briefing:
        _print_briefing(summary.briefing)
    return summary.success and bool(summary.briefing)


@pipeline.command()
@click.argument("job", type=click.Choice(JOBS), default="daily_incremental")
def run(job: str) -> None:
    """Run a Dagster job in-process on the project's Dagster instance and print a summary.

    daily_incremental: load new landing files, dbt build, checks, publication; full_refresh: the same
    with dbt's --full-refresh; weekly_briefing: daily_incremental, then the briefing pack (what the
    Monday 07:00 schedule runs); briefing_pack: the pack alone, for the latest complete week.
    """
    if not run_through_dagster(job):
        sys.exit(1)


@pipeline.command()
@click.option("--appeals", default=5000, show_default=True, help="Sample size when generating.")
def demo(appeals: int) -> None:
    """The main job: start the warehouse, set up its roles, generate sample data (once), run the pipeline
    in Dagster, then build the briefing pack of the latest complete week (its path printed)."""
    from cli.commands.data import generate
    from cli.commands.warehouse import roles, start

    landing = get_settings().landing_dir
    ctx = click.get_current_context()
    ctx.invoke(start)
    ctx.invoke(roles)
    if not (landing / "_manifest.json").exists():
        ctx.invoke(
            generate, out_dir=landing, appeals=appeals, seed=42, start="2025-11-01", months=12, bad_rate=0.005
        )
    else:
        console.print(f"sample data already in {landing} (delete it to generate anew)")
    if not run_through_dagster("daily_incremental"):
        sys.exit(1)
    if not build_briefing_through_dagster():
        sys.exit(1)
