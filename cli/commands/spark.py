"""``cur spark``: the local Spark + Iceberg cluster (master, workers, Thrift server; core/spark.py)."""

from __future__ import annotations

import sys
import time

import click

from cli.render import console, err_console, table
from core.spark import SparkCluster, SparkError
from core.spark import install as install_packages


@click.group()
def spark() -> None:
    """Install, start, stop and inspect the local Spark + Iceberg cluster (issue 16, in progress)."""


def _say(message: str) -> None:
    err_console.print(message, markup=False)


@spark.command()
@click.option("--force", is_flag=True, help="Reinstall the packages even when they are current.")
def install(force: bool) -> None:
    """Java (apt-get when missing) and requirements-spark.lock into the project's environment."""
    began = time.monotonic()
    try:
        installed = install_packages(force=force, say=_say)
    except SparkError as exc:
        raise click.ClickException(str(exc)) from exc
    what = "installed" if installed else "already installed"
    console.print(f"Spark packages {what} ({time.monotonic() - began:.0f} s)")


@spark.command()
def start() -> None:
    """Start the master, the workers and the Thrift server and wait until each works; idempotent."""
    cluster = SparkCluster()
    began = time.monotonic()
    try:
        state = cluster.start(say=_say)
    except SparkError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(
        f"Spark cluster running ({time.monotonic() - began:.0f} s): master {cluster.master_url} "
        f"(UI {cluster.master_ui}), {state.alive_workers} workers, Thrift server "
        f"{cluster.host}:{cluster.settings.spark_thrift_port} (UI {cluster.thrift_ui}); "
        f"data in {cluster.layout.root}"
    )


@spark.command()
def stop() -> None:
    """Stop the Thrift server, the workers and the master."""
    stopped = SparkCluster().stop()
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "the Spark cluster was not running")


@spark.command()
def status() -> None:
    """What runs (exit 3 when any part does not)."""
    cluster = SparkCluster()
    state = cluster.status()
    rows = [(name, "running" if pid else "stopped", pid or "") for name, pid in state.pids.items()]
    console.print(table("Spark cluster", ("part", "state", "pid"), rows))
    console.print(f"data in {cluster.layout.root}")
    if state.pids.get("master"):
        console.print(f"master {cluster.master_url}: {state.alive_workers} ALIVE workers")
    if state.pids.get("thrift"):
        answers = "answers `select 1`" if state.thrift_answers else "does not answer"
        console.print(
            f"Thrift server {cluster.host}:{cluster.settings.spark_thrift_port} {answers}; "
            f"{state.thrift_executors} executors"
        )
    if not state.running:
        sys.exit(3)
