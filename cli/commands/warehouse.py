"""``cur warehouse``: the embedded server's lifecycle, and which server is in use."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import psycopg

from cli.render import console, err_console, fail, progress, role_or_fail, table, warehouse_or_fail
from core import backup as backups
from core.dsn import Dsn, mask_dsn
from core.roles import ROLES, RoleKey
from core.settings import get_settings
from core.warehouse import EmbeddedWarehouse, WarehouseError


@click.group()
def warehouse() -> None:
    """Start, stop, inspect, back up and restore the warehouse server."""


@warehouse.command("start")
def start() -> None:
    """Initialise (first time) and start the embedded server; a no-op when it runs already."""
    settings = get_settings()
    if settings.warehouse_dsn is not None:
        console.print(
            f"CUR_WAREHOUSE_DSN is set: using the external server "
            f"{mask_dsn(settings.warehouse_dsn.get_secret_value())}"
        )
        return
    wh = EmbeddedWarehouse(settings)
    try:
        wh.start()
    except WarehouseError as exc:
        raise fail(exc) from exc
    for notice in wh.notices:
        err_console.print(f"[yellow]note:[/] {notice}")
    console.print(f"embedded warehouse running: {wh.address().masked()} (data in {wh.paths.pgdata})")


@warehouse.command("stop")
def stop() -> None:
    """Stop the embedded server (fast shutdown: open sessions are ended)."""
    console.print("stopped" if EmbeddedWarehouse().stop() else "the embedded warehouse was not running")


@warehouse.command("status")
def status() -> None:
    """Say which server is in use and whether it answers (exit 3 when it does not run)."""
    settings = get_settings()
    if settings.warehouse_dsn is None:
        wh = EmbeddedWarehouse(settings)
        state = "running" if wh.is_running() else ("stopped" if wh.is_initialised() else "not initialised")
        console.print(f"embedded warehouse: {state}; data in {wh.paths.pgdata}")
        if state != "running":
            sys.exit(3)
        dsn = wh.dsn()
    else:
        dsn = settings.warehouse_dsn.get_secret_value()
        console.print("external warehouse (CUR_WAREHOUSE_DSN)")
    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            version = conn.execute("show server_version").fetchone()
    except psycopg.Error as exc:
        raise click.ClickException(f"cannot connect to {mask_dsn(dsn)}: {exc}") from exc
    console.print(f"{mask_dsn(dsn)} answers: PostgreSQL {version[0] if version else '?'}")


@warehouse.command("dsn")
@click.option("--show-password", is_flag=True, help="Print the password instead of ***.")
@click.option(
    "--role",
    type=click.Choice(list(ROLES)),
    default=None,
    help="The address of a role (see `cur warehouse roles`). [default: the administrator]",
)
def dsn(show_password: bool, role: RoleKey | None) -> None:
    """Print the warehouse DSN (for psql, dbt profiles, Superset)."""
    value = role_or_fail(role) if role else warehouse_or_fail()
    click.echo(value if show_password else mask_dsn(value))


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.1f} {unit}" if unit != "B" else f"{size} B"
        value /= 1024
    return f"{size} B"


def _counts_table(title: str, counts: dict[str, int]) -> object:
    return table(title, ("table", "rows"), ((name, f"{rows:,}") for name, rows in sorted(counts.items())))


def _on_line(task_progress: object, task: object) -> backups.Progress:
    """Show each table pg_dump / pg_restore reports as the spinner's text."""

    def show(line: str) -> None:
        for marker in ("dumping contents of table", "processing data for table", "creating "):
            if marker in line:
                task_progress.update(task, description=line.split(": ", 1)[-1][:110])  # type: ignore[attr-defined]
                return

    return show


@warehouse.command("backup")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Archive to write. Default: $CUR_BACKUP_DIR/<database>-<UTC time>.dump (CUR_BACKUP_DIR "
    "defaults to .state/backups).",
)
def backup_command(out: Path | None) -> None:
    """Back up the warehouse database into one file (pg_dump, custom format).

    Works the same for the embedded server and an external one (CUR_WAREHOUSE_DSN). The archive holds
    every schema (raw, staging, intermediate, marts, reference, snapshots, quality) with its data;
    next to it, <archive>.json records the server version and the row count of every table, taken in
    the same snapshot as the dump, so a load running meanwhile does no harm. The file holds
    citizens' personal data: it is written with mode 0600; keep it as carefully as the server.

    pg_dump comes from CUR_PG_BIN_DIR, else the embedded server's binaries (PostgreSQL 18, which can
    dump any server from 9.2 on), else PATH. Restore with `cur warehouse restore`.
    """
    address = Dsn.parse(warehouse_or_fail())
    path = out or backups.default_backup_path(address.database)
    try:
        with progress() as bar:
            task = bar.add_task(f"backing up {address.masked()}", total=None)
            summary = backups.backup(address, path, progress=_on_line(bar, task))
    except (backups.BackupError, WarehouseError, psycopg.Error) as exc:
        raise fail(exc) from exc
    console.print(
        _counts_table(f"backup of {summary.database} (PostgreSQL {summary.server_version})", summary.tables)
    )
    console.print(
        f"[green]backed up[/] {summary.database} (PostgreSQL {summary.server_version}): "
        f"{len(summary.tables)} tables, {summary.rows:,} rows, "
        f"{_human(summary.bytes)} in {summary.seconds:.1f} s -> {path}"
    )


@warehouse.command("restore")
@click.argument("archive", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--database",
    default=None,
    help="Restore into this database of the same server (created if missing) "
    "instead of the warehouse's own, e.g. to check a backup without touching the live data.",
)
@click.option(
    "--clean",
    is_flag=True,
    help="The target holds tables: drop the schemas the backup holds "
    "(raw, staging, marts …, with everything in them) and restore them. Without it a non-empty "
    "target is refused.",
)
@click.option(
    "--allow-older-server",
    is_flag=True,
    help="Try to restore a backup of a newer PostgreSQL "
    "into an older one (not supported by PostgreSQL; may fail, then nothing is restored).",
)
def restore_command(
    archive: Path | None, database: str | None, clean: bool, allow_older_server: bool
) -> None:
    """Restore a backup made by `cur warehouse backup` into the warehouse (embedded or external).

    ARCHIVE defaults to the newest file in CUR_BACKUP_DIR. The target database must be empty unless
    --clean is given. The restore runs in one transaction (a failure leaves nothing half restored),
    without the dumped owners and privileges (the target's roles may differ; the project's grants are
    re-applied after), then compares every table's row count with the backup's record and exits 1
    on any difference. Loading continues afterwards where the backup left off: raw.load_batches is
    restored too, so no file loaded before the backup is loaded again.
    """
    path = archive or backups.latest_backup()
    if path is None:
        raise click.ClickException(f"no backup in {get_settings().backup_dir}; name the archive to restore.")
    address = Dsn.parse(warehouse_or_fail(start=True))
    if database:
        address = address.with_database(database)
    try:
        with progress() as bar:
            task = bar.add_task(f"restoring {path.name} into {address.masked()}", total=None)
            summary = backups.restore(
                path,
                address,
                clean=clean,
                allow_older_server=allow_older_server,
                progress=_on_line(bar, task),
            )
    except (backups.BackupError, WarehouseError, psycopg.Error) as exc:
        raise fail(exc) from exc
    console.print(
        _counts_table(
            f"restored into {summary.database} (PostgreSQL {summary.server_version})", summary.tables
        )
    )
    if summary.mismatches:
        listed = "; ".join(f"{name}: backup {b}, restored {a}" for name, (b, a) in summary.mismatches.items())
        raise click.ClickException(f"row counts differ from the backup's record: {listed}")
    console.print(
        f"[green]restored[/] into {summary.database} (PostgreSQL {summary.server_version}): "
        f"{len(summary.tables)} tables, {summary.rows:,} rows in {summary.seconds:.1f} s from {path}"
        + ("" if backups.read_summary(path) else " (no record next to it: counts not compared)")
    )


@warehouse.command("roles")
def roles() -> None:
    """Create or update the warehouse's roles, their grants and the layers' owners; idempotent.

    loader (writes raw), dbt (owns staging, intermediate, marts, snapshots, reference, private; reads
    raw), quality (writes quality), superset and analyst (read only). On an existing warehouse the
    objects of each layer are handed to its role. Passwords: CUR_ROLE_PASSWORD_<ROLE> and
    SUPERSET_RO_PASSWORD, else generated once into CUR_STATE_DIR (mode 0600).
    """
    from core.roles import ensure_roles, role_dsn
    from core.warehouse import warehouse_dsn
    from ingestion.schemas import warehouse_ddl

    try:
        admin = warehouse_dsn(start=True)
        changes = ensure_roles(admin, ddl=(warehouse_ddl(),))
    except (WarehouseError, psycopg.Error) as exc:
        raise fail(exc) from exc
    for change in changes:
        console.print(f"  {change}", markup=False)
    console.print(f"roles: {len(changes)} change(s) on {admin.masked()}" if changes else "roles: up to date")
    for key, role in ROLES.items():
        reads = ", ".join(role.reads) or "—"
        console.print(
            f"  {role_dsn(key, server=admin).masked()}  owns: {', '.join(role.owns) or '—'}; reads: {reads}",
            markup=False,
        )
