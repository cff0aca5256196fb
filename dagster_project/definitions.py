"""The one ``Definitions`` object of the project."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.assets.ingestion import ingestion_assets
from dagster_project.assets.publish import superset_dashboards
from dagster_project.assets.transform import cur_dbt_assets
from dagster_project.checks import (
    freshness_checks,
    freshness_sensor,
    mart_certification_checks,
    raw_gx_checks,
)
from dagster_project.dbt_project import DBT_EXECUTABLE, dbt_project
from dagster_project.failures import run_failure_report
from dagster_project.jobs import daily_job, daily_schedule, full_refresh_job, landing_sensor
from dagster_project.resources import LandingResource, SupersetResource, WarehouseResource
from ingestion.config import get_settings

_settings = get_settings()

defs = dg.Definitions(
    assets=[*ingestion_assets, cur_dbt_assets, superset_dashboards],
    asset_checks=[raw_gx_checks, mart_certification_checks, *freshness_checks],
    jobs=[daily_job, full_refresh_job],
    schedules=[daily_schedule],
    sensors=[landing_sensor, freshness_sensor, run_failure_report],
    resources={
        "warehouse": WarehouseResource(dsn=_settings.warehouse_dsn),
        "landing": LandingResource(path=str(_settings.landing_dir)),
        "superset": SupersetResource(start=_settings.superset_autostart),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE)),
    },
)
