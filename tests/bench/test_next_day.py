"""The benchmark's next day on the built sample: the incremental facts still equal a full refresh, and
every leadership dashboard query the serving phase times runs.

The next day (bench/nextday.py) adds new appeals and late updates (answers, postponements, finished
incidents) as new batches; the incremental fct_appeals (which narrows int_appeals__unioned to the
appeals to process before applying the rules) must then equal int_appeals__final row for row — the
singular test assert_fct_appeals_matches_full_refresh. Nothing is timed.

The second test runs the daily build as the daily job does (``core.dbt.dbt_build_args``) after a next
day that also moves an answered appeal's creation date back by a month and a half (a later export
correcting it: its old month must be recomputed, not only its new one) and re-rates an appeal in a
survey batch of its own; then every full-refresh equality test (tag full_refresh_equality: each
incremental model against its full-refresh logic) must pass.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from bench.nextday import NextDay, add_next_day, close_batch, open_batch
from bench.phases import to_sql_baseline
from bench.serving import dashboard_charts, serving_timings
from core.dbt import FULL_REFRESH_EQUALITY_TAG, dbt_build_args, run_dbt


@pytest.mark.slow
def test_the_next_day_merges_into_facts_equal_to_a_full_refresh(sample_copy: str, tmp_path: Path) -> None:
    with psycopg.connect(sample_copy) as conn:
        before = conn.execute("select count(*) from marts.fct_appeals").fetchone()
    assert before is not None

    day = add_next_day(sample_copy)
    assert day.new_pos > 0 and day.new_im > 0, day
    assert day.updated_pos > 0 and day.updated_im > 0 and day.written > 0, day

    result = run_dbt(
        [
            "build",
            "--select",
            "int_appeals__unioned",  # incremental: merged, so the views on it are kept (rebuilt anyway)
            "int_appeals__response_times",
            "int_appeals__repeats",
            "int_appeals__places",
            "int_appeals__final",
            "fct_appeals",
            "fct_appeal_events",
            "assert_fct_appeal_events_matches_full_refresh",
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


_MOVED_POS = """
with chosen as (
    select distinct on (appeal_id) *
    from raw.pos_appeals
    where status = 'SEND_RESPONSE' and batch_id < %(batch)s
    order by appeal_id, batch_id desc, source_row desc
    limit 1
)
insert into raw.pos_appeals
select
    %(batch)s, (select max(source_row) + 1 from raw.pos_appeals where batch_id = %(batch)s),
    appeal_id, pos_id, applicant_epgu_id, applicant_surname, applicant_name, applicant_patronymic,
    applicant_email, applicant_phone, description, subject_id, subject_name, subsubject_id,
    subsubject_name, location_address, location_latitude, location_longitude, org_name, org_address,
    org_inn, org_kpp, org_ogrn, org_oktmo, created_at - interval '45 days', status, status_text,
    answer_at, rating, appeal_kind, source_format, extras
from chosen
returning appeal_id
"""

_RERATED = """
with chosen as (
    select * from raw.survey_ratings
    where appeal_system = 'ПОС'
    order by rated_at desc, batch_id desc, source_row desc
    limit 1
)
insert into raw.survey_ratings
    (batch_id, source_row, appeal_system, appeal_id, appeal_number, rating, rated_at, rating_comment, extras)
select %(batch)s, 1, appeal_system, appeal_id, appeal_number, case when rating = 5 then 1 else 5 end,
    rated_at + interval '1 hour',
    rating_comment, extras
from chosen
returning appeal_id
"""


def _move_and_rerate(dsn: str) -> tuple[int, int]:
    """In the next day's ПОС batch, a later export of an answered appeal with its creation moved 45 days
    back; in a survey batch of its own, a new rating of the latest rated ПОС appeal. Returns the two
    appeal ids."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute("select max(batch_id) from raw.load_batches where source = 'pos'").fetchone()
        assert row is not None
        moved = conn.execute(_MOVED_POS, {"batch": int(row[0])}).fetchone()
        batch = open_batch(conn, "surveys")
        rerated = conn.execute(_RERATED, {"batch": batch}).fetchone()
        close_batch(conn, batch, 1)
        conn.execute("analyze raw.pos_appeals")
        conn.execute("analyze raw.survey_ratings")
    assert moved is not None and rerated is not None
    return int(moved[0]), int(rerated[0])


@pytest.mark.slow
def test_the_daily_build_equals_a_full_refresh_after_late_updates_and_moved_dates(
    sample_copy: str, tmp_path: Path
) -> None:
    day: NextDay = add_next_day(sample_copy)
    assert day.updated_pos > 0, day  # late answers and postponements (moved deadlines)
    moved, rerated = _move_and_rerate(sample_copy)

    daily_args = dbt_build_args(full_refresh=False)
    daily = run_dbt(daily_args, sample_copy, target_dir=tmp_path / "daily", capture=True)
    assert daily.returncode == 0, daily.stdout[-4000:]
    with psycopg.connect(sample_copy) as conn:
        changed = conn.execute(
            """select count(*) filter (where unioned.merged_at = latest.merged_at), count(*)
               from intermediate.int_appeals__unioned as unioned
               cross join (
                   select max(merged_at) as merged_at from intermediate.int_appeals__unioned
               ) as latest"""
        ).fetchone()
        old_date = conn.execute(
            """select previous_created_at - created_at from intermediate.int_appeals__unioned
               where appeal_source = 'pos' and source_appeal_id = %s""",
            (moved,),
        ).fetchone()
    assert changed is not None and old_date is not None
    # only the appeals with a row in a batch newer than the table's were merged, not every appeal: the new
    # and updated ones, the moved one, the re-rated id, and the appeals of survey batches loaded after
    # the last ПОС or IM batch (recomputed once more from the same rows: the same values)
    assert day.new + day.updated <= changed[0] < changed[1] / 2, (changed, day)
    assert old_date[0].days == 45  # the old creation date was kept for the marts' old month

    equality = run_dbt(
        ["test", "--select", f"tag:{FULL_REFRESH_EQUALITY_TAG}"],
        sample_copy,
        target_dir=tmp_path / "equality",
        capture=True,
    )
    assert equality.returncode == 0, equality.stdout[-4000:]
    for name in (
        "assert_fct_appeals_matches_full_refresh",
        "assert_int_appeals__unioned_matches_full_refresh",
        "assert_int_channels__places_matches_full_refresh",
        "assert_int_written__appeals_matches_full_refresh",
        "assert_kpi_appeals_marts_match_full_refresh",
    ):
        assert f"PASS {name}" in equality.stdout, name
    assert rerated > 0
