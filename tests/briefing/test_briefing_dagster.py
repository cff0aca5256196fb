"""The briefing pack in Dagster: an asset downstream of the marts and their certification checks, a
weekly schedule on Monday 07:00 in the region's time, and a real materialisation on the sample."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from core.settings import DEFAULT_TIMEZONE
from dagster_project.assets.briefing import BRIEFING_KEY
from dagster_project.definitions import defs
from dagster_project.resources import WarehouseResource
from tests.conftest import SampleBuild


def test_the_weekly_schedule_runs_the_pipeline_and_the_pack_on_monday_at_7_local() -> None:
    schedule = defs.resolve_schedule_def("weekly_briefing_schedule")
    assert schedule.cron_schedule == "0 7 * * 1"
    assert schedule.execution_timezone == DEFAULT_TIMEZONE
    assert schedule.job_name == "weekly_briefing"
    graph = defs.resolve_asset_graph()
    weekly = defs.resolve_job_def("weekly_briefing")
    assert BRIEFING_KEY in weekly.asset_layer.selected_asset_keys
    # the pack is downstream of the marts whose blocking certification checks run in the same job
    parents = graph.get(BRIEFING_KEY).parent_keys
    assert dg.AssetKey(["marts", "kpi_appeals_weekly"]) in parents
    checks = weekly.asset_layer.asset_graph.asset_check_keys
    assert dg.AssetCheckKey(dg.AssetKey(["marts", "kpi_appeals_weekly"]), "gx_certification") in checks
    # the daily job does not print a pack every morning
    daily = defs.resolve_job_def("daily_incremental")
    assert BRIEFING_KEY not in daily.asset_layer.selected_asset_keys


def test_the_asset_builds_the_pack_of_a_week(
    sample_build: SampleBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUR_BRIEFING_DIR", str(tmp_path / "packs"))
    job = defs.resolve_job_def("briefing_pack")
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(dsn=sample_build.dsn)},
        run_config={"ops": {"briefing__weekly_pack": {"config": {"week": "2026-W08"}}}},
    )
    assert result.success
    [materialization] = result.asset_materializations_for_node("briefing__weekly_pack")
    metadata = {k: v.value for k, v in materialization.metadata.items()}
    assert metadata["week"] == "2026-W08"
    assert metadata["withdrawn_certificates"] == "—"
    region = Path(str(metadata["region_pdf"]))
    assert region == tmp_path / "packs" / "2026-W08" / "2026-W08_region.pdf"
    assert region.read_bytes().startswith(b"%PDF")
    assert len(list(region.parent.glob("*.xlsx"))) == metadata["documents"] / 2
