"""The benchmark's next day on the built sample: the incremental facts still equal a full refresh, and
every leadership dashboard query the serving phase times runs.

The next day (bench/nextday.py) adds new appeals and late updates (answers, postponements, finished
incidents) as new batches; the incremental fct_appeals (which narrows int_appeals__unioned to the
appeals to process before applying the rules) must then equal int_appeals__final row for row — the
singular test assert_fct_appeals_matches_full_refresh. Nothing is timed.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from bench.nextday import add_next_day
from bench.phases import to_sql_baseline
from bench.serving import dashboard_charts, serving_timings
from core.dbt import run_dbt


@pytest.mark.slow
def test_the_next_day_merges_into_facts_equal_to_a_full_refresh(sample_copy: str, tmp_path: Path) -> None:
    with psycopg.connect(sample_copy) as conn:
        before = conn.execute("select count(*) from marts.fct_appeals").fetchone()
    assert before is not None

    day = add_next_day(sample_copy)
    assert day.new_pos > 0 and day.new_im > 0, day
    assert day.updated_pos > 0 and day.updated_im > 0, day

    result = run_dbt(
        [
            "build",
            "--select",
            "int_appeals__unioned",  # a table: rebuilding it drops the views on it, rebuilt next
            "int_appeals__response_times",
            "int_appeals__repeats",
            "int_appeals__places",
            "int_appeals__final",
            "fct_appeals",
            "fct_appeal_events",
            "assert_fct_appeals_matches_full_refresh",
            "--indirect-selection",
            "cautious",  # no test of a model not rebuilt here (the KPI marts' reconciliations)
        ],
        sample_copy,
        target_dir=tmp_path / "target",
        capture=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    with psycopg.connect(sample_copy) as conn:
        after = conn.execute("select count(*) from marts.fct_appeals").fetchone()
        merged = conn.execute(
            """select count(*) from marts.fct_appeals
               where appeal_source = 'pos'
                 and batch_id = (select max(batch_id) from raw.load_batches where source = 'pos')"""
        ).fetchone()
    assert after is not None and merged is not None
    assert after[0] == before[0] + day.new, (before, after, day)
    assert merged[0] == day.new_pos + day.updated_pos  # the late updates were merged over the old rows

    scan, charts = serving_timings(sample_copy, repeats=1)
    assert scan.median_ms > 0
    assert [t.name for t in charts] == [key for key, _ in dashboard_charts()]
    assert "lead_municipality_rank" in {t.name for t in charts}

    rows, to_sql_seconds, copy_seconds = to_sql_baseline(sample_copy, "raw.im_incidents", sample=500)
    assert 0 < rows <= 500 and to_sql_seconds > 0 and copy_seconds > 0
