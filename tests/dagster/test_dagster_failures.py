"""Transient failures are retried, others are not, and a failed run is reported in one line."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from dagster_project import failures
from dagster_project.assets.ingestion import ingestion_assets
from dagster_project.resources import LandingResource, WarehouseResource
from tests import factories as f


def test_transient_messages_are_told_apart_from_data_errors() -> None:
    assert failures.is_transient(['connection to server at "127.0.0.1", port 1 failed: Connection refused'])
    assert failures.is_transient(["FATAL: terminating connection due to administrator command"])
    assert not failures.is_transient(['column "x" does not exist'])
    assert not failures.is_transient(["Got 2 results, configured to fail if != 0"])
    assert not failures.is_transient([])
    assert not failures.is_transient(["could not connect to server", "duplicate key value violates"])


def _materialise_pos(dsn: str, landing: Path, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    pos = next(a for a in ingestion_assets if a.node_def.name == "ingest_pos")
    return dg.materialize(
        [pos],
        instance=instance,
        resources={"warehouse": WarehouseResource(dsn=dsn), "landing": LandingResource(path=str(landing))},
        raise_on_error=False,
    )


def test_an_unreachable_warehouse_is_retried_then_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUR_RETRY_WAIT_SECONDS", "0")
    monkeypatch.setenv("CUR_RETRY_MAX", "2")
    monkeypatch.setenv("CUR_STATE_DIR", str(tmp_path / "state"))
    f.write_jsonl(tmp_path / "landing" / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1)])
    instance = dg.DagsterInstance.ephemeral()
    result = _materialise_pos("postgresql://nobody@127.0.0.1:1/none", tmp_path / "landing", instance)

    assert not result.success
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert len(retries) == 2  # CUR_RETRY_MAX
    step_failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = step_failure.step_failure_data.error.message  # type: ignore[union-attr]
    assert "could not be reached" in message and "cur warehouse status" in message

    run = instance.get_run_by_id(result.run_id)
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_report", dagster_instance=instance, dagster_run=run, dagster_event=failure
    ).for_run_failure()
    failures.run_failure_report(context)
    report = (tmp_path / "state" / "run_failures.log").read_text(encoding="utf-8")
    assert result.run_id in report and "ingest_pos" in report


def test_a_bad_file_is_not_retried(tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUR_RETRY_WAIT_SECONDS", "0")
    (tmp_path / "pos").mkdir()
    (tmp_path / "pos" / "pos_appeals_2026-01.csv").write_text("not;the;header\n1;2;3\n", encoding="cp1251")
    result = _materialise_pos(dsn, tmp_path, dg.DagsterInstance.ephemeral())
    assert not result.success
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
