"""A dbt run killed with SIGKILL in the middle of the incremental facts (issue 13, faults).

On a copy of the built sample, a later export is loaded (new batches for the incremental models to
merge), then `dbt run` is started and killed the moment it is inside fct_appeals: the test holds a
SHARE lock on the table, so dbt builds its temporary table and then waits at the MERGE; at that point
its whole process group gets SIGKILL. The next run must complete, and the incremental facts must
equal what a full refresh builds from the same raw data, row for row.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

import psycopg
import pytest

from core.dbt import dbt_invocation
from core.paths import DBT_DIR
from generator import generate
from ingestion.load import load_landing
from tests.conftest import SAMPLE

FACTS = ("fct_appeals", "fct_appeal_events")


def _waiting_on(conn: psycopg.Connection, relation: str) -> int | None:
    row = conn.execute(
        "select pid from pg_locks where relation = %s::regclass and not granted", (relation,)
    ).fetchone()
    return int(row[0]) if row else None


def _differences(dsn: str, table: str) -> tuple[int, int]:
    """Rows only in the kept incremental copy, rows only in the fully refreshed table."""
    with psycopg.connect(dsn) as conn:
        only_incremental = conn.execute(
            f"select count(*) from (select * from scratch.{table} except all select * from marts.{table}) d"  # type: ignore[arg-type]
        ).fetchone()
        only_full = conn.execute(
            f"select count(*) from (select * from marts.{table} except all select * from scratch.{table}) d"  # type: ignore[arg-type]
        ).fetchone()
    assert only_incremental is not None and only_full is not None
    return int(only_incremental[0]), int(only_full[0])


@pytest.mark.slow
def test_a_dbt_run_killed_inside_the_incremental_facts_is_completed_by_the_next_run(
    sample_copy: str, tmp_path: Path
) -> None:
    # A later export: one month more of the same sample (files already loaded are skipped by content).
    later = tmp_path / "landing"
    generate(later, **{**SAMPLE, "months": SAMPLE["months"] + 1})  # type: ignore[arg-type]
    loaded = [r for r in load_landing(sample_copy, later) if r.status == "loaded"]
    assert any(r.source == "pos" for r in loaded), (
        "no new ПОС batch: the incremental models would have no work"
    )

    command, env = dbt_invocation(["run"], sample_copy, target_dir=tmp_path / "target")
    log = (tmp_path / "dbt_run.log").open("w")
    with psycopg.connect(sample_copy) as holder, psycopg.connect(sample_copy, autocommit=True) as watcher:
        holder.execute("lock table marts.fct_appeals in share mode")  # reads pass, the MERGE waits
        dbt = subprocess.Popen(
            command, cwd=DBT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        waiting = None
        while waiting is None and dbt.poll() is None:
            waiting = _waiting_on(watcher, "marts.fct_appeals")
            watcher.execute("select pg_sleep(0.1)")
        with contextlib.suppress(ProcessLookupError):  # gone already when it ended on its own
            os.killpg(dbt.pid, signal.SIGKILL)
        dbt.wait()
        holder.rollback()
    log.close()
    assert waiting is not None, (tmp_path / "dbt_run.log").read_text()[-3000:]
    assert dbt.returncode == -signal.SIGKILL

    finished = subprocess.run(command, cwd=DBT_DIR, env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout[-3000:]

    with psycopg.connect(sample_copy, autocommit=True) as conn:
        conn.execute("create schema scratch")
        for table in FACTS:
            conn.execute(f"create table scratch.{table} as select * from marts.{table}")  # type: ignore[arg-type]
    refresh, env = dbt_invocation(
        ["run", "--full-refresh", "--select", *FACTS], sample_copy, target_dir=tmp_path / "target"
    )
    full = subprocess.run(refresh, cwd=DBT_DIR, env=env, capture_output=True, text=True)
    assert full.returncode == 0, full.stdout[-3000:]
    for table in FACTS:
        assert _differences(sample_copy, table) == (0, 0), table
