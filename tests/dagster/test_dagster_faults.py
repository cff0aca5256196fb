"""The warehouse server stopped in the middle of a Dagster run (issue 13, faults in the middle of work).

A server of its own (a second embedded server in a temporary state folder) is stopped while the
loader is half way through a file: the loader's COPY is held by a lock the test takes, and the server
is stopped the moment the loader waits on it, so the fault always lands inside the batch. The run
must fail with a clear message after the configured retries, leave no row of the file behind, and a
run after the restart must load every file exactly once.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from core.settings import Settings
from core.warehouse import EmbeddedWarehouse
from dagster_project.assets.ingestion import ingestion_assets
from dagster_project.resources import LandingResource, WarehouseResource
from ingestion.load import ensure_raw_schema
from tests import factories as f


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _materialise_pos(dsn: str, landing: Path) -> dg.ExecuteInProcessResult:
    pos = next(a for a in ingestion_assets if a.node_def.name == "ingest_pos")
    return dg.materialize(
        [pos],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(dsn=dsn), "landing": LandingResource(path=str(landing))},
        raise_on_error=False,
    )


def _stop_when_the_loader_waits(
    server: EmbeddedWarehouse, dsn: str, seen: list[int], run_over: threading.Event
) -> None:
    """Poll until a session waits for the lock on raw.pos_appeals (the loader, inside its batch),
    then stop the server (fast: every session is ended)."""
    with psycopg.connect(dsn, autocommit=True) as watcher:
        while not seen and not run_over.is_set():
            row = watcher.execute(
                """select l.pid from pg_locks l
                   where l.relation = 'raw.pos_appeals'::regclass and not l.granted"""
            ).fetchone()
            if row:
                seen.append(int(row[0]))
            else:
                watcher.execute("select pg_sleep(0.05)")
    server.stop()


def _raw_state(dsn: str) -> dict[str, object]:
    with psycopg.connect(dsn) as conn:
        batches = conn.execute(
            "select status, count(*), coalesce(sum(rows_loaded), 0) from raw.load_batches group by status"
        ).fetchall()
        appeals = conn.execute("select count(*) from raw.pos_appeals").fetchone()
        orphans = conn.execute(
            """select count(*) from raw.pos_appeals a
               where not exists (select 1 from raw.load_batches b
                                 where b.batch_id = a.batch_id and b.status = 'loaded')"""
        ).fetchone()
    return {
        "batches": {str(s): (int(n), int(rows)) for s, n, rows in batches},
        "appeals": appeals[0] if appeals else None,
        "rows_of_no_loaded_batch": orphans[0] if orphans else None,
    }


@pytest.mark.slow
def test_a_server_stopped_during_a_run_fails_it_clearly_and_leaves_no_half_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUR_RETRY_MAX", "2")
    monkeypatch.setenv("CUR_RETRY_WAIT_SECONDS", "0")
    monkeypatch.setenv("CUR_STATE_DIR", str(tmp_path / "project_state"))
    server = EmbeddedWarehouse(
        Settings(state_dir=tmp_path / "state", embedded_port=_free_port(), warehouse_dsn=None)
    )
    server.start()
    try:
        dsn = server.dsn()
        landing = tmp_path / "landing"
        f.write_jsonl(landing / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(i) for i in range(1, 201)])
        f.write_jsonl(
            landing / "pos" / "pos_appeals_2026-02.jsonl", [f.pos_record(i) for i in range(201, 301)]
        )
        with psycopg.connect(dsn) as conn:
            ensure_raw_schema(conn)
            conn.commit()

        seen: list[int] = []
        run_over = threading.Event()
        holder = psycopg.connect(dsn)
        holder.execute("lock table raw.pos_appeals in share mode")  # lets the batch start, holds its COPY
        stopper = threading.Thread(target=_stop_when_the_loader_waits, args=(server, dsn, seen, run_over))
        stopper.start()
        result = _materialise_pos(dsn, landing)
        run_over.set()  # the run ended without ever waiting on the lock: the assertion below says so
        stopper.join()
        holder.close()

        assert seen, "the loader never reached its COPY"
        assert not result.success
        retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
        assert len(retries) == 2  # CUR_RETRY_MAX: the stop is transient, so it was retried
        failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
        message = failure.step_failure_data.error.message  # type: ignore[union-attr]
        assert "could not be reached or went away" in message and "cur warehouse status" in message

        server.start()
        after_fault = _raw_state(dsn)
        assert after_fault == {"batches": {}, "appeals": 0, "rows_of_no_loaded_batch": 0}, after_fault

        again = _materialise_pos(dsn, landing)
        assert again.success
        state = _raw_state(dsn)
        assert state == {"batches": {"loaded": (2, 300)}, "appeals": 300, "rows_of_no_loaded_batch": 0}, state
    finally:
        server.stop()
