"""The dbt models, seeds and snapshots as Dagster assets; dbt tests become asset checks."""

import os
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from dagster_project.dbt_project import dbt_project, ensure_manifest, translator
from dagster_project.resources import WarehouseResource
from ingestion.warehouse import dbt_env


class DbtRunConfig(dg.Config):
    full_refresh: bool = False


@dbt_assets(
    manifest=ensure_manifest(),
    project=dbt_project,
    dagster_dbt_translator=translator,
    retry_policy=dg.RetryPolicy(max_retries=1, delay=10),
)
def cur_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource, config: DbtRunConfig
) -> Iterator[Any]:
    """``dbt build`` of the selected models: models, seeds and snapshots, with their tests."""
    os.environ.update(dbt_env(warehouse.get_dsn()))
    args = ["build", *(["--full-refresh"] if config.full_refresh else [])]
    yield from dbt.cli(args, context=context).stream()
