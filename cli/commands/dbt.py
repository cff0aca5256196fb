"""``cur dbt``: dbt on the warehouse, with the connection and settings from the environment."""

from __future__ import annotations

import sys

import click

from cli.render import role_or_fail
from core.dbt import run_dbt


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def dbt(dbt_args: tuple[str, ...]) -> None:
    """Run dbt on the warehouse, e.g. ``cur dbt build`` or ``cur dbt docs generate``.

    Connects as dbt's role (cur_dbt, see ``cur warehouse roles``): sets CUR_DBT_* and the sources'
    time zone from the settings, and runs dbt in dbt/ with the project's profiles.yml; every argument
    goes to dbt as is.
    """
    sys.exit(run_dbt(dbt_args, role_or_fail("dbt", start=True)).returncode)
