"""The ``cur`` command: registers the command groups and nothing else."""

from __future__ import annotations

import click

from cli.commands.bench import bench
from cli.commands.briefing import briefing
from cli.commands.data import data
from cli.commands.dbt import dbt
from cli.commands.pipeline import demo, pipeline
from cli.commands.quality import quality
from cli.commands.spark import spark
from cli.commands.superset import superset
from cli.commands.warehouse import warehouse


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """ЦУР warehouse: the embedded server, data loading, the pipeline, dbt, quality and Superset.

    Configuration comes from the environment and .env (see .env.example): CUR_WAREHOUSE_DSN selects
    an external PostgreSQL; without it the embedded server in CUR_STATE_DIR is used.
    """


for group in (warehouse, data, pipeline, dbt, quality, superset, briefing, bench, spark):
    main.add_command(group)
# The main job has a short name of its own (`make demo` runs it): `cur demo` = `cur pipeline demo`.
main.add_command(demo, "demo")
