"""Run a job of the project's Definitions in-process, as the tests need it: without the Superset
publication (that asset is exercised against a real Superset in test_superset_browser) and without
the briefing pack (tests/briefing builds it)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from dagster_project.assets.briefing import BRIEFING_KEY
from dagster_project.assets.publish import DASHBOARDS_KEY
from dagster_project.definitions import defs
from dagster_project.jobs import daily_job, full_refresh_job
from dagster_project.resources import LandingResource, WarehouseResource

_WITHOUT_PUBLICATION = dg.AssetSelection.all() - dg.AssetSelection.assets(DASHBOARDS_KEY, BRIEFING_KEY)

# The product's jobs with the same names, descriptions and config, minus the publication.
_test_defs = dg.Definitions(
    assets=list(defs.assets or []),
    asset_checks=list(defs.asset_checks or []),
    jobs=[
        dg.define_asset_job(job.name, selection=_WITHOUT_PUBLICATION, config=job.config, tags=job.tags)
        for job in (daily_job, full_refresh_job)
    ],
    resources=dict(defs.resources or {}),
)


def run_job(dsn: str, landing: Path, job: str = "daily_incremental") -> dg.ExecuteInProcessResult:
    """The job on ``dsn`` and ``landing``, on an ephemeral instance, without the Superset publication."""
    return _test_defs.resolve_job_def(job).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(dsn=dsn), "landing": LandingResource(path=str(landing))},
        raise_on_error=False,
    )


def check_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """``<asset>:<check>`` of every asset check of the run that did not pass."""
    failed = []
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:  # type: ignore[union-attr]
                failed.append(f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}")  # type: ignore[union-attr]
    return failed
