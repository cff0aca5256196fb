"""``cur warehouse``: the embedded server's lifecycle, and which server is in use."""

from __future__ import annotations

import sys

import click
import psycopg

from cli.render import console, err_console, fail, warehouse_or_fail
from core.dsn import mask_dsn
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
def dsn(show_password: bool) -> None:
    """Print the warehouse DSN (for psql, dbt profiles, Superset)."""
    value = warehouse_or_fail()
    click.echo(value if show_password else mask_dsn(value))
