"""The one ``Definitions`` object of the project.

Loading it does no work: no settings are read, no server is started and dbt is not parsed (the
manifest must exist: ``cur`` prepares it, and so does ``dagster dev``; see ``dbt_project.py``).
Resources read their settings when a run uses them.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from dagster_project.assets.briefing import weekly_briefing_pack
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
from dagster_project.jobs import (
    briefing_pack_job,
    daily_job,
    daily_schedule,
    full_refresh_job,
    full_refresh_schedule,
    landing_sensor,
    weekly_briefing_job,
    weekly_briefing_schedule,
)
from dagster_project.resources import LandingResource, SupersetResource, WarehouseResource

defs = dg.Definitions(
    assets=[*ingestion_assets, cur_dbt_assets, superset_dashboards, weekly_briefing_pack],
    asset_checks=[raw_gx_checks, mart_certification_checks, *freshness_checks],
    jobs=[daily_job, full_refresh_job, weekly_briefing_job, briefing_pack_job],
    schedules=[daily_schedule, full_refresh_schedule, weekly_briefing_schedule],
    sensors=[landing_sensor, freshness_sensor, run_failure_report],
    resources={
        "warehouse": WarehouseResource(),
        "landing": LandingResource(),
        "superset": SupersetResource(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE)),
    },
)
