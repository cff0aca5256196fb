"""Dagster: the definitions load, and ingestion assets materialise in-process on a real database."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import psycopg
import pytest

from dagster_project.assets.ingestion import ingestion_assets
from dagster_project.definitions import defs
from dagster_project.resources import LandingResource, WarehouseResource
from tests import factories as f


def test_definitions_load_with_one_asset_per_raw_table() -> None:
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "raw/pos_appeals",
        "raw/pos_appeal_events",
        "raw/im_incidents",
        "raw/delo_resolution",
        "raw/indicator_values",
    } <= keys


def _run(dsn: str, landing: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        ingestion_assets,
        resources={"warehouse": WarehouseResource(dsn=dsn), "landing": LandingResource(path=str(landing))},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def test_ingestion_assets_load_new_files_and_report_counts(tmp_path: Path, dsn: str) -> None:
    f.write_jsonl(tmp_path / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1), "{bad"])
    result = _run(dsn, tmp_path)
    assert result.success
    [mat] = [
        m
        for m in result.asset_materializations_for_node("ingest_pos")
        if m.asset_key == dg.AssetKey(["raw", "pos_appeals"])
    ]
    meta = {k: v.value for k, v in mat.metadata.items()}
    assert (meta["files_loaded"], meta["rows_loaded"], meta["rows_quarantined"]) == (1, 1, 1)

    f.write_jsonl(tmp_path / "pos" / "pos_appeals_2026-02.jsonl", [f.pos_record(2)])
    second = _run(dsn, tmp_path)
    [mat] = [
        m
        for m in second.asset_materializations_for_node("ingest_pos")
        if m.asset_key == dg.AssetKey(["raw", "pos_appeals"])
    ]
    meta = {k: v.value for k, v in mat.metadata.items()}
    assert (meta["files_loaded"], meta["files_skipped"], meta["rows_loaded"]) == (1, 1, 1)
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select count(*) from raw.pos_appeals").fetchone() == (2,)


def test_a_rejected_file_fails_the_asset_visibly(tmp_path: Path, dsn: str) -> None:
    f.write_csv(tmp_path / "pos" / "pos_appeals_2026-02.csv", ["ID"], [{"ID": "1"}])
    result = _run(dsn, tmp_path)
    assert not result.success
    failures = [e for e in result.all_events if e.is_step_failure]
    assert failures and "rejected or failed" in str(failures[0].event_specific_data)


@pytest.mark.parametrize("source", ["pos", "im", "delo", "indicators"])
def test_every_source_has_an_ingestion_asset(source: str) -> None:
    assert any(a.node_def.name == f"ingest_{source}" for a in ingestion_assets)
