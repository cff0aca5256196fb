"""Dagster: the whole graph in-process on a real database, the sensor, and failing checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from dagster_project.checks import GX_CHECK
from dagster_project.definitions import defs
from dagster_project.jobs import landing_sensor, new_landing_files
from dagster_project.resources import LandingResource, WarehouseResource
from ingestion.load import load_landing
from tests import factories as f
from tests.conftest import SampleBuild
from tests.pipeline import check_failures, run_job


def _resources(dsn: str, landing: Path) -> dict[str, object]:
    return {"warehouse": WarehouseResource(dsn=dsn), "landing": LandingResource(path=str(landing))}


def _run_daily(dsn: str, landing: Path) -> dg.ExecuteInProcessResult:
    return run_job(dsn, landing)


def _check_results(result: dg.ExecuteInProcessResult) -> list[dg.AssetCheckEvaluation]:
    return [
        e.event_specific_data  # type: ignore[misc]
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]


def test_definitions_validate_with_jobs_schedule_and_sensor() -> None:
    dg.Definitions.validate_loadable(defs)
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"daily_incremental", "full_refresh"}
    assert defs.get_schedule_def("daily_incremental_schedule").cron_schedule == "0 6 * * *"
    assert defs.get_schedule_def("full_refresh_schedule").cron_schedule == "0 2 * * 0"
    assert defs.get_sensor_def("landing_sensor")


def test_lineage_runs_from_raw_tables_into_staging_models() -> None:
    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey(["staging", "stg_pos__appeals"])).parent_keys
    assert dg.AssetKey(["raw", "pos_appeals"]) in parents
    assert graph.get(dg.AssetKey(["raw", "pos_appeals"])).group_name == "ingestion"
    assert graph.get(dg.AssetKey(["staging", "stg_pos__appeals"])).group_name == "staging"
    assert graph.get(dg.AssetKey(["reference", "ref_sectors"])).group_name == "reference"
    assert any(k.asset_key == dg.AssetKey(["staging", "stg_pos__appeals"]) for k in graph.asset_check_keys)


def test_the_whole_graph_materialises_and_a_second_run_loads_only_the_new_file(
    tmp_path: Path, sample_build: SampleBuild, sample_copy: str
) -> None:
    # The first run is the shared build: the daily job over the generated sample.
    assert sample_build.run_success and sample_build.checks_failed == ()
    dsn = sample_copy
    landing = tmp_path / "landing"
    shutil.copytree(sample_build.landing, landing)
    with psycopg.connect(dsn) as conn:
        batches = conn.execute("select count(*) from raw.load_batches where status = 'loaded'").fetchone()
        staged = conn.execute("select count(*) from staging.stg_pos__appeals").fetchone()
    assert batches and batches[0] > 0
    assert staged and staged[0] > 0

    f.write_jsonl(landing / "pos" / "pos_appeals_2026-03.jsonl", [f.pos_record(9_000_001)])
    second = _run_daily(dsn, landing)
    assert second.success
    with psycopg.connect(dsn) as conn:
        after = conn.execute("select count(*) from raw.load_batches where status = 'loaded'").fetchone()
        new = conn.execute("select file_name from raw.load_batches order by batch_id desc limit 1").fetchall()
    assert after == (batches[0] + 1,)
    assert new == [("pos_appeals_2026-03.jsonl",)]
    # The daily run's raw suites read the rows of the new batch only (expectations.increments).
    with psycopg.connect(dsn) as conn:
        pos = conn.execute("select count(*) from raw.load_batches where source = 'pos' and status = 'loaded'")
        pos_batches = pos.fetchone()
    gx = {
        c.asset_key.path[-1]: c.metadata["rows_read"].value
        for c in _check_results(second)
        if c.check_name == GX_CHECK and c.asset_key.path[0] == "raw"
    }
    assert pos_batches and gx["pos_appeals"] == f"rows of 1 new of {pos_batches[0]} batches", gx


def test_the_sensor_requests_a_run_for_new_files_and_ignores_loaded_ones(tmp_path: Path, dsn: str) -> None:
    f.write_jsonl(tmp_path / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1)])
    resources = _resources(dsn, tmp_path)
    with dg.build_sensor_context(resources=resources) as ctx:
        result = landing_sensor(ctx)
    assert result.run_requests and len(result.run_requests) == 1

    load_landing(dsn, tmp_path)
    assert new_landing_files(resources["landing"], resources["warehouse"]) == []  # type: ignore[arg-type]
    with dg.build_sensor_context(resources=resources) as ctx:
        again = landing_sensor(ctx)
    assert not again.run_requests and again.skip_reason

    f.write_jsonl(tmp_path / "pos" / "pos_appeals_2026-02.jsonl", [f.pos_record(2)])
    with dg.build_sensor_context(resources=resources) as ctx:
        third = landing_sensor(ctx)
    assert third.run_requests
    assert third.run_requests[0].run_key != result.run_requests[0].run_key


@pytest.mark.slow
def test_a_bad_value_in_a_new_batch_is_a_failed_raw_check_in_the_daily_run(tmp_path: Path, dsn: str) -> None:
    """The daily run leaves the views' dbt tests out (core.dbt.dbt_build_args): the GX raw suite
    validates the new batch with the same rules (allowed statuses, ratings 1..5) and reports it as a
    failed check of raw/pos_appeals."""
    f.write_jsonl(
        tmp_path / "pos" / "pos_appeals_2026-01.jsonl",
        [f.pos_record(1), f.pos_record(2, Status="BOGUS_STATUS"), f.pos_record(3, Rating=9)],
    )
    result = _run_daily(dsn, tmp_path)
    failed = check_failures(result)
    assert f"raw/pos_appeals:{GX_CHECK}" in failed, failed
    assert not any(name.startswith("staging/") for name in failed), failed  # the views' tests did not run


def test_dagster_run_storage_can_live_in_postgres(
    tmp_path: Path, server_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dagster-postgres on the warehouse server (needs the postgresql+psycopg2 scheme)."""
    from dagster_project.run import dagster_home

    database = f"cur_test_dagster_{tmp_path.name[-8:]}".lower().replace("-", "_")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CUR_DAGSTER_STORAGE", "postgres")
    monkeypatch.setenv("CUR_DAGSTER_DATABASE", database)
    monkeypatch.setenv("CUR_WAREHOUSE_DSN", server_dsn)
    monkeypatch.delenv("CUR_DAGSTER_PG_URL", raising=False)
    try:
        home = dagster_home()
        assert "postgres_url" in (home / "dagster.yaml").read_text()
        with dg.DagsterInstance.get() as instance:
            result = dg.materialize([_noop], instance=instance)
            assert result.success
            assert instance.get_run_by_id(result.run_id) is not None
        with psycopg.connect(server_dsn.rsplit("/", 1)[0] + f"/{database}") as conn:
            assert conn.execute("select count(*) from runs").fetchone() == (1,)
    finally:
        with psycopg.connect(server_dsn, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{database}" with (force)')


@dg.asset
def _noop() -> None:
    return None


def test_loading_the_definitions_does_no_work(tmp_path: Path) -> None:
    """No server started, no dbt parse, no settings needed: only the manifest is read."""
    import os
    import subprocess
    import sys

    from core.dbt import MANIFEST_PATH

    before = MANIFEST_PATH.stat().st_mtime
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUR_", "DAGSTER_"))}
    env["CUR_STATE_DIR"] = str(tmp_path / "state")
    code = "import dagster_project.definitions as d; print(len(list(d.defs.assets or [])))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) > 3
    assert not (tmp_path / "state").exists(), "loading the definitions touched the state folder"
    assert MANIFEST_PATH.stat().st_mtime == before, "loading the definitions parsed the dbt project"


def test_the_daily_build_leaves_out_the_full_refresh_equality_test_and_the_full_refresh_runs_it() -> None:
    from core.dbt import FULL_REFRESH_EQUALITY_TAG, Manifest, dbt_build_args

    # the equality tests of the incremental models, and the tests of the views that hold the
    # full-refresh logic (each computes its view over every appeal; fct_appeals, which must equal
    # int_appeals__final, keeps its own)
    tagged = {
        node["name"] if not node.get("attached_node") else node["attached_node"].split(".")[-1]
        for uid, node in Manifest.load().data["nodes"].items()
        if uid.startswith("test.") and FULL_REFRESH_EQUALITY_TAG in node.get("tags", [])
    }
    assert tagged == {
        "assert_fct_appeal_events_matches_full_refresh",
        "assert_fct_appeals_matches_full_refresh",
        "assert_int_appeals__unioned_matches_full_refresh",
        "assert_int_channels__places_matches_full_refresh",
        "assert_int_written__appeals_matches_full_refresh",
        "assert_kpi_appeals_marts_match_full_refresh",
        "int_appeals__final",
        "int_appeals__places",
        "int_appeals__repeats",
        "int_appeals__response_times",
        "int_appeals__weekly_counts",
    }
    assert dbt_build_args(full_refresh=False) == [
        "build",
        "--exclude",
        f"tag:{FULL_REFRESH_EQUALITY_TAG} config.materialized:view,resource_type:test",
        "--exclude-resource-type",
        "unit_test",
    ]
    assert dbt_build_args(full_refresh=True) == ["build", "--full-refresh"]


def test_the_daily_build_selects_every_node_but_the_views_tests_and_the_equality_tests(
    tmp_path: Path,
) -> None:
    """What dbt itself selects for the daily arguments (``dbt ls``), against the manifest: every model,
    seed and snapshot (views included: a table rebuilt under one drops it), every test of a table,
    none of a view's and none tagged full_refresh_equality."""
    from core.dbt import FULL_REFRESH_EQUALITY_TAG, Manifest, dbt_build_args, run_dbt

    nodes = Manifest.load().data["nodes"]
    views = {
        uid
        for uid, n in nodes.items()
        if n["resource_type"] == "model" and n["config"]["materialized"] == "view"
    }
    expected = set()
    for uid, node in nodes.items():
        if node["resource_type"] in {"model", "seed", "snapshot"}:
            expected.add(uid)
        elif node["resource_type"] == "test":
            on_a_view = any(parent in views for parent in node["depends_on"]["nodes"])
            if not on_a_view and FULL_REFRESH_EQUALITY_TAG not in node["tags"]:
                expected.add(uid)
    selection = dbt_build_args(full_refresh=False)[1:]
    # as dagster-dbt reads them (it takes --select / --exclude out and passes them on itself)
    from dagster_dbt.asset_utils import extract_runtime_selection_from_args

    rest, _selects, excludes = extract_runtime_selection_from_args(selection)
    assert rest == ["--exclude-resource-type", "unit_test"]
    assert excludes == [f"tag:{FULL_REFRESH_EQUALITY_TAG}", "config.materialized:view,resource_type:test"]
    assert selection[-2:] == ["--exclude-resource-type", "unit_test"]
    listed = run_dbt(
        ["ls", *selection, "--output", "json", "--output-keys", "unique_id", "-q"],
        target_dir=tmp_path / "target",
        capture=True,
        check=True,
    )
    import json

    selected = {json.loads(line)["unique_id"] for line in listed.stdout.splitlines() if line.startswith("{")}
    assert not [uid for uid in selected if uid.startswith("unit_test.")]
    selected = {uid for uid in selected if uid in nodes}  # sources and exposures aside
    assert views and views <= selected
    assert selected == expected, (sorted(selected - expected)[:10], sorted(expected - selected)[:10])
    tests_on_views = {uid for uid in nodes if uid.startswith("test.") and uid not in expected}
    assert len(tests_on_views) > 100  # the staging views' tests: the daily build's largest cost at scale
