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


def _differences(dsn: str, left: str, right: str) -> tuple[int, int]:
    """Rows only in ``left``, rows only in ``right`` (as multisets)."""
    with psycopg.connect(dsn) as conn:
        only_left = conn.execute(
            f"select count(*) from (select * from {left} except all select * from {right}) d"  # type: ignore[arg-type]
        ).fetchone()
        only_right = conn.execute(
            f"select count(*) from (select * from {right} except all select * from {left}) d"  # type: ignore[arg-type]
        ).fetchone()
    assert only_left is not None and only_right is not None
    return int(only_left[0]), int(only_right[0])


def _keep(dsn: str, prefix: str) -> None:
    """Copy the facts as they are now into ``scratch.<prefix>_<fact>``."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create schema if not exists scratch")
        for table in FACTS:
            conn.execute(f"create table scratch.{prefix}_{table} as select * from marts.{table}")  # type: ignore[arg-type]


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

    _keep(sample_copy, "before")
    command, env = dbt_invocation(["run"], sample_copy, target_dir=tmp_path / "target")
    env["PYTHONUNBUFFERED"] = "1"  # its log lines reach the file before the kill
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
    killed_log = (tmp_path / "dbt_run.log").read_text()
    assert "incremental model marts.fct_appeals" in killed_log
    assert "OK created sql incremental model marts.fct_appeals" not in killed_log
    # the killed run left fct_appeals as it was: nothing half merged
    assert _differences(sample_copy, "scratch.before_fct_appeals", "marts.fct_appeals") == (0, 0)

    finished = subprocess.run(command, cwd=DBT_DIR, env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout[-3000:]

    _keep(sample_copy, "incremental")
    assert _differences(sample_copy, "scratch.before_fct_appeals", "marts.fct_appeals") != (0, 0), (
        "the later export changed nothing: the test would prove nothing"
    )
    refresh, env = dbt_invocation(
        ["run", "--full-refresh", "--select", *FACTS], sample_copy, target_dir=tmp_path / "target"
    )
    full = subprocess.run(refresh, cwd=DBT_DIR, env=env, capture_output=True, text=True)
    assert full.returncode == 0, full.stdout[-3000:]
    for table in FACTS:
        assert _differences(sample_copy, f"scratch.incremental_{table}", f"marts.{table}") == (0, 0), table
