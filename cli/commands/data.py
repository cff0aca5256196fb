"""``cur data``: sample data, loading of the landing folder, batches and quarantine."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from cli.render import (
    batches_table,
    console,
    err_console,
    fail,
    progress,
    role_or_fail,
    table,
    warehouse_or_fail,
)
from core.settings import get_settings
from ingestion.load import BatchResult, load_landing, quarantined_rows, recent_batches
from ingestion.sources import SOURCES


@click.group()
def data() -> None:
    """Sample data, loading of landing files, batches and quarantined rows."""


@data.command()
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
    out_dir: Path | None, appeals: int, seed: int, start: datetime | str, months: int, bad_rate: float
) -> None:
    """Write realistic sample source files of every kind into the landing folder."""
    from generator import generate as run_generate

    out = out_dir or get_settings().landing_dir
    start_date = start.date() if isinstance(start, datetime) else date.fromisoformat(str(start))
    with progress() as bar:
        task = bar.add_task("generating", total=None)
        manifest = run_generate(
            out,
            appeals=appeals,
            seed=seed,
            start=start_date,
            months=months,
            bad_rate=bad_rate,
            progress=lambda name, rows: bar.update(task, description=f"{name}: {rows:,} rows"),
        )
    files = manifest.files
    console.print(
        f"wrote {len(files)} files, {sum(f.rows for f in files):,} rows "
        f"({sum(f.bad_rows for f in files):,} deliberately bad) into {out}"
    )


def run_ingest(landing: Path, sources: tuple[str, ...], retry_rejected: bool) -> list[BatchResult]:
    """Load the landing folder and print one line per file and a total."""
    dsn = role_or_fail("loader", start=True)
    with progress() as bar:
        task = bar.add_task("loading", total=None)
        results = load_landing(
            dsn,
            landing,
            sources or None,
            progress=lambda name, rows: bar.update(task, description=f"{name}: {rows:,} rows"),
            retry_rejected=retry_rejected,
        )
    console.print(batches_table("Load batches", results))
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


@data.command()
@click.option(
    "--landing",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Landing folder with one sub-folder per source. [default: CUR_LANDING_DIR]",
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


@data.command()
@click.option("--limit", default=20, show_default=True, help="How many batches.")
@click.option("--source", type=click.Choice(SOURCES), default=None, help="Only this source family.")
def batches(limit: int, source: str | None) -> None:
    """Show the latest load batches with their counts."""
    rows = recent_batches(warehouse_or_fail(), limit, source)
    columns = ("batch", "source", "file", "status", "read", "loaded", "quarantined", "finished", "error")
    console.print(
        table(
            "Recent load batches",
            columns,
            (
                (
                    r["batch_id"],
                    r["source"],
                    r["file_name"],
                    r["status"],
                    f"{r['rows_read']:,}",
                    f"{r['rows_loaded']:,}",
                    f"{r['rows_quarantined']:,}",
                    r["finished_at"].strftime("%Y-%m-%d %H:%M:%S") if r["finished_at"] else "",
                    (r["error"] or "")[:80],
                )
                for r in rows
            ),
        )
    )


@data.command()
@click.option("--batch", "batch_id", type=int, default=None, help="Only this batch.")
@click.option("--limit", default=30, show_default=True)
def quarantine(batch_id: int | None, limit: int) -> None:
    """Show quarantined rows: file, row, field, reason."""
    rows = quarantined_rows(warehouse_or_fail(), batch_id, limit)
    console.print(
        table(
            "Quarantine",
            ("file", "row", "field", "reason"),
            ((r["file_name"], r["source_row"], r["field"] or "", r["reason"]) for r in rows),
        )
    )


@data.command("purge-pii")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Purge batches loaded more than this many days ago. [default: CUR_RAW_PII_RETENTION_DAYS]",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be purged; change nothing.")
def purge_pii(days: int | None, dry_run: bool) -> None:
    """Purge raw personal data older than the retention period.

    In the rows of batches loaded longer ago than the period, names become [ФИО], identifiers (ЕПГУ
    id, e-mail, phone, profile and post URLs) their keyed pseudonyms, free texts are redacted as in
    staging, a quarantined row's raw text is dropped. Rows and counts stay; staging and the marts do
    not change. A rerun purges nothing new.
    """
    from ingestion.retention import RetentionError, purge_raw_personal_data

    period = days if days is not None else get_settings().raw_pii_retention_days
    try:
        report = purge_raw_personal_data(warehouse_or_fail(start=True), period, dry_run=dry_run)
    except RetentionError as exc:
        raise fail(exc) from exc
    verb = "would purge" if dry_run else "purged"
    console.print(
        table(
            f"Raw personal data older than {report.retention_days} days "
            f"(loaded before {report.cutoff:%Y-%m-%d %H:%M} UTC): {verb}",
            ("table", "rows", "columns (values)"),
            (
                (t.table, f"{t.rows:,}", ", ".join(f"{c} ({n:,})" for c, n in t.columns.items()) or "none")
                for t in report.tables
            ),
        )
    )
    console.print(
        f"{len(report.batches)} batches, {report.rows:,} rows {verb}" + (" (dry run)" if dry_run else "")
    )
