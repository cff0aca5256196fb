"""Rendering of command results with rich: the only place the project prints tables."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.roles import RoleKey
from core.warehouse import WarehouseError

# Wide enough for file names in logs and CI when the output is not a terminal.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)

_NUMERIC = {"batch", "read", "loaded", "quarantined", "seconds", "rows", "checks", "failed"}


def progress() -> Progress:
    """A transient spinner with elapsed time, on stderr."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    out = Table(title=title)
    for col in columns:
        out.add_column(col, justify="right" if col in _NUMERIC else "left", overflow="fold")
    for row in rows:
        out.add_row(*("" if v is None else str(v) for v in row))
    return out


def batches_table(title: str, results: Iterable[Any]) -> Table:
    """Load results (:class:`ingestion.load.BatchResult`) as a table."""
    colours = {"loaded": "green", "skipped": "dim", "rejected": "red", "failed": "red"}
    return table(
        title,
        ("source", "file", "status", "batch", "read", "loaded", "quarantined", "seconds"),
        (
            (
                r.source,
                r.file_name,
                f"[{colours.get(r.status, 'white')}]{r.status}[/]",
                r.batch_id or "",
                f"{r.rows_read:,}",
                f"{r.rows_loaded:,}",
                f"{r.rows_quarantined:,}",
                f"{r.seconds:.2f}",
            )
            for r in results
        ),
    )


def counts_table(title: str, counts: Mapping[str, int], key: str = "schema") -> Table:
    return table(title, (key, "rows"), ((k, f"{v:,}") for k, v in sorted(counts.items())))


def suite_results_table(results: Iterable[Any]) -> Table:
    """Great Expectations results (:class:`expectations.results.SuiteResult`) as a table."""
    rows = []
    for r in results:
        verdict = "[green]pass[/]" if r.success else "[red]FAIL[/]"
        if r.success and r.failures:
            verdict = "[yellow]pass (warnings)[/]"
        detail = r.error or "\n".join(
            f"{'' if f.severity == 'critical' else f'({f.severity}) '}{f.describe()}" for f in r.failures
        )
        rows.append((r.suite, verdict, r.scope, r.evaluated, r.failed, detail))
    return table("Data quality", ("suite", "result", "rows read", "checks", "failed", "failed checks"), rows)


def briefing_summary(result: Any) -> Table:
    """A built pack (:class:`briefing.build.PackResult`): its files, what retention removed."""
    rows: list[tuple[str, str]] = [(p.suffix.lstrip(".").upper(), str(p)) for p in result.documents]
    rows += [("removed (retention)", str(p)) for p in result.removed]
    title = f"Briefing pack {result.week.key} in {result.folder}"
    if result.withdrawn:
        title += f" — certification WITHDRAWN: {', '.join(result.withdrawn)}"
    return table(title, ("file", "path"), rows)


def fail(exc: Exception) -> click.ClickException:
    """A library error as a clean CLI error (exit 1, message only)."""
    return click.ClickException(str(exc))


def warehouse_or_fail(start: bool = False) -> str:
    """The warehouse DSN (started when asked), or a clean CLI error."""
    from core.warehouse import resolve_dsn

    try:
        return resolve_dsn(start=start)
    except WarehouseError as exc:
        raise fail(exc) from exc


def role_or_fail(role: RoleKey, start: bool = False) -> str:
    """The warehouse DSN of a role of ``core.roles`` (the roles set up first), or a clean CLI error."""
    from core.roles import ensure_roles, role_dsn
    from core.warehouse import warehouse_dsn
    from ingestion.schemas import warehouse_ddl

    try:
        admin = warehouse_dsn(start=start)
        ensure_roles(admin, ddl=(warehouse_ddl(),))
        return role_dsn(role, server=admin).secret()
    except WarehouseError as exc:
        raise fail(exc) from exc
