"""``cur superset``: the local Superset (own environment), the dashboards as code, the publication."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from cli.render import console, err_console, warehouse_or_fail


@click.group()
def superset() -> None:
    """Run the local Superset, build and validate the dashboard bundle, publish it."""


def _launcher(action: Callable[[], object]) -> None:
    from superset_assets.launcher import LauncherError

    try:
        action()
    except LauncherError as exc:
        raise click.ClickException(str(exc)) from exc


@superset.command()
@click.option("--force", is_flag=True, help="Reinstall even when the environment is current.")
def install(force: bool) -> None:
    """Create .venv-superset from its lock file."""
    from superset_assets import launcher

    _launcher(lambda: launcher.install(force=force))


@superset.command()
def init() -> None:
    """Upgrade Superset's metadata database, create the admin user, ``superset init``."""
    from superset_assets import launcher

    _launcher(launcher.init)


@superset.command()
def start() -> None:
    """Start the web server in the background (installing and initialising it first) and wait for it."""
    from superset_assets import launcher

    _launcher(launcher.start)


@superset.command()
def stop() -> None:
    """Stop the web server."""
    from superset_assets import launcher

    _launcher(launcher.stop)


@superset.command()
def status() -> None:
    """Installed? Initialised? Running? (exit 3 when it does not run)"""
    from superset_assets import launcher

    sys.exit(launcher.status())


@superset.command()
@click.option(
    "--check", is_flag=True, help="Fail when the committed bundle or the exposures are not current."
)
def build(check: bool) -> None:
    """Render the dashboards spec into superset_assets/bundle/ and dbt/models/exposures.yml."""
    from superset_assets.build import BUNDLE_DIR, EXPOSURES_PATH, label_notes, stale_files, write_bundle

    for note in label_notes():
        err_console.print(f"note: {note}", markup=False)
    if check:
        stale = stale_files()
        if stale:
            err_console.print("not current; run `cur superset build`:\n  " + "\n  ".join(stale), markup=False)
            sys.exit(1)
        console.print("bundle and exposures are current")
        return
    console.print(f"wrote {len(write_bundle())} files to {BUNDLE_DIR} and {EXPOSURES_PATH}")


@superset.command()
@click.option(
    "--manifest", type=click.Path(path_type=Path), help="dbt manifest.json (default: the model YAMLs)."
)
def validate(manifest: Path | None) -> None:
    """Check every chart → dataset → dbt model and column link of the bundle."""
    from superset_assets.build import BUNDLE_DIR
    from superset_assets.dbt_docs import marts_models
    from superset_assets.validate import validate_bundle

    problems = validate_bundle(BUNDLE_DIR, marts_models(manifest))
    for problem in problems:
        err_console.print(problem, markup=False)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s)")
    counts = {k: len(list((BUNDLE_DIR / k).rglob("*.yaml"))) for k in ("datasets", "charts", "dashboards")}
    console.print("bundle consistent with dbt: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@superset.command()
def deploy() -> None:
    """Publish the bundle to Superset and sync the certification record (no pipeline run)."""
    from core.dbt import prepare_manifest
    from superset_assets import launcher

    prepare_manifest()  # the certification record's suites read it
    from superset_assets.deploy import deploy as run_deploy

    dsn = warehouse_or_fail(start=True)
    try:
        summary = run_deploy(dsn)
    except launcher.LauncherError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print("\n".join(summary.lines()), markup=False)
    console.print(
        f"admin: {launcher.admin_user()}; demo users' passwords in {launcher.state_dir()}/password_*"
    )
