"""Run a job of the Definitions on the project's persistent Dagster instance, and summarise it.

Used by ``cur demo`` (and ``cur pipeline run``): the run is recorded in ``$DAGSTER_HOME`` (default
``.state/dagster``), so ``dagster dev`` on the same home shows it with its lineage and checks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from core.dbt import prepare_manifest
from core.dsn import Dsn
from core.settings import get_settings
from core.warehouse import warehouse_dsn

SQLITE_CONFIG = "telemetry:\n  enabled: false\n"

# Run, event-log and schedule storage in PostgreSQL. The URL is read from the environment at start-up
# (never written to the file). With SQLAlchemy 2.x dagster-postgres needs the psycopg2 scheme.
POSTGRES_CONFIG = """telemetry:
  enabled: false
storage:
  postgres:
    postgres_url:
      env: CUR_DAGSTER_PG_URL
"""


def dagster_storage_url(dsn: str | Dsn) -> str:
    """The warehouse DSN with the ``postgresql+psycopg2`` scheme dagster-postgres needs."""
    return Dsn.parse(dsn).sqlalchemy("psycopg2")


def dagster_home() -> Path:
    """``$DAGSTER_HOME`` (default ``$CUR_STATE_DIR/dagster``), created with its ``dagster.yaml``.

    ``CUR_DAGSTER_STORAGE=postgres`` keeps Dagster's runs in the database ``$CUR_DAGSTER_DATABASE``
    (default ``dagster``) on the warehouse server; the default is SQLite files in the home folder.
    """
    settings = get_settings()
    home = settings.dagster_home or settings.state_dir / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    use_postgres = settings.dagster_storage == "postgres"
    if use_postgres and "CUR_DAGSTER_PG_URL" not in os.environ:
        server = warehouse_dsn(settings, start=True)
        database = settings.dagster_database
        with psycopg.connect(server.secret(), autocommit=True) as conn:
            if not conn.execute("select 1 from pg_database where datname = %s", (database,)).fetchone():
                conn.execute(f'create database "{database}"')
        os.environ["CUR_DAGSTER_PG_URL"] = dagster_storage_url(server.with_database(database))
    (home / "dagster.yaml").write_text(POSTGRES_CONFIG if use_postgres else SQLITE_CONFIG)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


@dataclass
class RunSummary:
    run_id: str
    success: bool
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    rows_per_layer: dict[str, int] = field(default_factory=dict)
    # Metadata of the superset/dashboards materialisation (URL, dashboards, certified marts), if any.
    published: dict[str, str] = field(default_factory=dict)
    # Metadata of the briefing/weekly_pack materialisation (week, folder, region PDF), if any.
    briefing: dict[str, str] = field(default_factory=dict)


def rows_per_layer(dsn: str) -> dict[str, int]:
    """Live row counts of the tables in each warehouse schema (views are not counted)."""
    schemas = ("raw", "reference", "staging", "intermediate", "marts", "snapshots")
    with psycopg.connect(dsn) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema = any(%s) and table_type = 'BASE TABLE'",
            (list(schemas),),
        ).fetchall()
        counts: dict[str, int] = {}
        for schema, table in tables:
            row = conn.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
            counts[schema] = counts.get(schema, 0) + int(row[0] if row else 0)
        views = conn.execute(
            "select table_schema, count(*) from information_schema.views where table_schema = any(%s)"
            " group by table_schema",
            (list(schemas),),
        ).fetchall()
    for schema, n in views:
        counts.setdefault(f"{schema} (views)", int(n))
    return counts


def run_job(job_name: str, run_config: dict | None = None) -> RunSummary:
    """Execute a job in-process on the persistent instance and summarise the outcome."""
    import dagster as dg

    dagster_home()
    prepare_manifest()
    from dagster_project.definitions import defs

    job = defs.resolve_job_def(job_name)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, run_config=run_config, raise_on_error=False)
    summary = RunSummary(run_id=result.run_id, success=result.success)
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"  # type: ignore[union-attr]
            if evaluation.passed:  # type: ignore[union-attr]
                summary.checks_passed += 1
            else:
                summary.checks_failed.append(name)
        elif event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization  # type: ignore[union-attr]
            if materialization.asset_key == dg.AssetKey(["superset", "dashboards"]):
                summary.published = {k: str(v.value) for k, v in materialization.metadata.items()}
            elif materialization.asset_key == dg.AssetKey(["briefing", "weekly_pack"]):
                summary.briefing = {k: str(v.value) for k, v in materialization.metadata.items()}
        elif event.is_step_failure:
            summary.failed_steps.append(event.step_key or "?")
    return summary
