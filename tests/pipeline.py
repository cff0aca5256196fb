"""Run a job of the project's Definitions in-process, as the tests need it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from dagster_project.assets.publish import DASHBOARDS_KEY
from dagster_project.definitions import defs
from dagster_project.resources import LandingResource, WarehouseResource


def without_publication() -> list[dg.AssetKey]:
    """Every asset but the Superset publication (tested with a real Superset in test_superset_browser)."""
    return sorted(defs.resolve_asset_graph().executable_asset_keys - {DASHBOARDS_KEY})


def run_job(dsn: str, landing: Path, job: str = "daily_incremental") -> dg.ExecuteInProcessResult:
    """The job on ``dsn`` and ``landing``, on an ephemeral instance, without the Superset publication."""
    return defs.resolve_job_def(job).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(dsn=dsn), "landing": LandingResource(path=str(landing))},
        asset_selection=without_publication(),
        raise_on_error=False,
    )
