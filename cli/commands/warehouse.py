"""``cur warehouse``: the embedded server's lifecycle, and which server is in use."""

from __future__ import annotations

import sys

import click
import psycopg

from cli.render import console, err_console, fail, role_or_fail, warehouse_or_fail
from core.dsn import mask_dsn
from core.roles import ROLES, RoleKey
from core.settings import get_settings
from core.warehouse import EmbeddedWarehouse, WarehouseError


@click.group()
def warehouse() -> None:
    """Start, stop and inspect the embedded warehouse server."""


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
