"""Jobs, the daily and weekly schedules and the landing-folder sensor."""

from __future__ import annotations

import dagster as dg

from core.settings import DEFAULT_TIMEZONE
from dagster_project.assets.briefing import BRIEFING_KEY
from dagster_project.resources import LandingResource, WarehouseResource
from ingestion.load import batch_key, display_name
from ingestion.sources import discover

# Everything: landing files → raw → staging → marts → the Superset publication. The weekly briefing
# pack is built by its own jobs (weekly, or on demand), not every day.
briefing_pack = dg.AssetSelection.assets(BRIEFING_KEY)
everything = dg.AssetSelection.all() - briefing_pack

daily_job = dg.define_asset_job(
    "daily_incremental",
    selection=everything,
    description="Load new landing files and build the warehouse incrementally (dbt build).",
    tags={"cur/kind": "daily"},
)

full_refresh_job = dg.define_asset_job(
    "full_refresh",
    selection=everything,
    description="Load new landing files and rebuild every dbt model from scratch (dbt build --full-refresh).",
    config={"ops": {"cur_dbt_assets": {"config": {"full_refresh": True}}}},
    tags={"cur/kind": "full_refresh"},
)

daily_schedule = dg.ScheduleDefinition(
    job=daily_job,
    cron_schedule="0 6 * * *",
    execution_timezone=DEFAULT_TIMEZONE,
    description="Every morning at 06:00 in the region's time (before the working day of the centre).",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

full_refresh_schedule = dg.ScheduleDefinition(
    job=full_refresh_job,
    cron_schedule="0 2 * * 0",
    execution_timezone=DEFAULT_TIMEZONE,
    description=(
        "Sundays at 02:00 in the region's time: every model rebuilt and every test run, the tests the daily"
        " build leaves out included (the views' tests, the incremental models' full-refresh equality tests)."
    ),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


weekly_briefing_job = dg.define_asset_job(
    "weekly_briefing",
    selection=dg.AssetSelection.all(),
    description=(
        "The daily pipeline, then the weekly briefing pack: printed after this run's certification checks."
    ),
    tags={"cur/kind": "weekly_briefing"},
)

briefing_pack_job = dg.define_asset_job(
    "briefing_pack",
    selection=briefing_pack,
    description="The weekly briefing pack alone, from the marts and the certification as they are.",
    tags={"cur/kind": "briefing"},
)

weekly_briefing_schedule = dg.ScheduleDefinition(
    job=weekly_briefing_job,
    cron_schedule="0 7 * * 1",
    execution_timezone=DEFAULT_TIMEZONE,
    description="Mondays at 07:00 in the region's time: the pack for the week that ended on Sunday.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def _loaded_keys(dsn: str) -> set[tuple[str, str]]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        exists = conn.execute("select to_regclass('raw.load_batches') is not null").fetchone()
        if not exists or not exists[0]:
            return set()
        rows = conn.execute(
            "select source, content_hash from raw.load_batches where status in ('loaded', 'rejected')"
        ).fetchall()
    return {(r[0], r[1]) for r in rows}


def new_landing_files(landing: LandingResource, warehouse: WarehouseResource) -> list[tuple[str, str, str]]:
    """(source, file name, key) of every landing file not yet loaded (or rejected) with that content."""
    done = _loaded_keys(warehouse.get_dsn("loader"))
    found = []
    for source, path in discover(landing.get_path()):
        try:
            key = batch_key(source, path)
        except OSError:  # gone or unreadable since it was listed: the run records it if it is back
            continue
        if (source, key) not in done:
            found.append((source, display_name(path), key))
    return found


@dg.sensor(job=daily_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def landing_sensor(
    context: dg.SensorEvaluationContext, landing: LandingResource, warehouse: WarehouseResource
) -> dg.SensorResult:
    """Start a run when new files arrive in the landing folder; files already loaded are ignored."""
    new = new_landing_files(landing, warehouse)
    if not new:
        return dg.SensorResult(skip_reason="no new landing files")
    run_key = "|".join(sorted(key for _, _, key in new))
    names = ", ".join(sorted(name for _, name, _ in new))
    context.log.info(f"{len(new)} new landing file(s): {names}")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags={"cur/new_files": str(len(new))})]
    )
