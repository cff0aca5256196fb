"""Helpers for the mart suite and certification tests: a real dbt build, and stand-in KPI marts.

``dbt_build`` runs the project's dbt (``dbt build``) on a test database, with its own target folder
so it never disturbs the project's ``dbt/target``.

``KPI_STAND_INS`` creates tables ``marts.kpi_*`` with the columns of the agreed interface
(``/work/coord/INTERFACE.md``), computed with plain SQL from the facts: a consistent, good input for
the KPI suites before the real KPI models exist in this branch. They are test inputs only, never a
definition of the KPIs; crafted bad inputs are made from them by one UPDATE each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg

from ingestion.config import PROJECT_ROOT
from ingestion.warehouse import dbt_env

DBT_DIR = PROJECT_ROOT / "dbt"


def dbt_build(dsn: str, target_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``dbt build`` (plus ``args``) on the database of ``dsn``; output captured."""
    exe = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(exe), "build", "--profiles-dir", str(DBT_DIR), "--target-path", str(target_dir), *args],
        cwd=DBT_DIR,
        env={
            **os.environ,
            **dbt_env(dsn),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_LOG_PATH": str(target_dir / "logs"),
        },
        capture_output=True,
        text=True,
        check=False,
    )


KPI_STAND_INS = """
drop table if exists marts.kpi_appeals, marts.kpi_appeals_headline, marts.kpi_authority_rating,
    marts.kpi_decision_discipline, marts.kpi_programme_achievement, marts.kpi_indicator_progress,
    marts.kpi_conflict_signals, marts.kpi_source_loads, marts.kpi_data_freshness;

create table marts.kpi_appeals as
select
    date_trunc('month', created_date)::date as month_start,
    appeal_source, appeal_source as appeal_source_name,
    sector_code, sector_code as sector_name, municipality_key, municipality_key as municipality_name,
    organisation_key, organisation_key as organisation_name, 'ОИВ'::text as organisation_kind,
    channel_key, channel_key as channel_name, topic_key, topic_key as topic_name,
    count(*)::int as appeals_count,
    count(first_response_at)::int as answered_count,
    (count(*) filter (where answered_on_time))::int as answered_on_time_count,
    (count(*) filter (where answered_on_time))::numeric / nullif(count(answered_on_time), 0)
        as share_answered_on_time,
    (count(*) filter (where answered_on_time_working))::int as answered_on_time_work_count,
    (count(*) filter (where answered_on_time_working))::numeric / nullif(count(answered_on_time_working), 0)
        as share_answered_on_time_work,
    sum(response_minutes_calendar) / 60 as first_response_hours_sum,
    avg(response_minutes_calendar) / 60 as first_response_hours_mean,
    (percentile_cont(0.5) within group (order by response_minutes_calendar) / 60)::numeric
        as first_response_hours_median,
    sum(response_minutes_working) / 60 as first_response_work_hours_sum,
    avg(response_minutes_working) / 60 as first_response_work_hours_mean,
    (percentile_cont(0.5) within group (order by response_minutes_working) / 60)::numeric
        as first_response_work_hours_median,
    count(rating)::int as rated_count,
    (count(*) filter (where rating >= 4))::int as rated_4_5_count,
    (count(*) filter (where rating >= 4))::numeric / nullif(count(rating), 0) as share_rated_4_5,
    0.6::numeric as rating_target_share,
    (count(*) filter (where is_repeat))::int as repeat_count,
    (count(*) filter (where is_repeat))::numeric / count(*) as share_repeat,
    (count(*) filter (where moderation_outcome <> 'pending'))::int as moderated_count,
    (count(*) filter (where moderation_outcome = 'declined'))::int as rejected_count,
    (count(*) filter (where moderation_outcome = 'declined'))::numeric
        / nullif(count(*) filter (where moderation_outcome <> 'pending'), 0) as share_rejected,
    (count(*) filter (where is_overdue_open))::int as open_overdue_count,
    count(answered_on_time)::int as due_count,
    count(answered_on_time_working)::int as due_work_count,
    (count(*) filter (where is_not_yet_due))::int as not_yet_due_count,
    (count(*) filter (where is_deadline_extended))::int as extended_count,
    count(is_platform_verdict_disagreement)::int as platform_verdict_count,
    (count(*) filter (where is_platform_verdict_disagreement))::int as platform_disagreement_count
from marts.fct_appeals
group by 1, 2, 4, 6, 8, 11, 13;

create table marts.kpi_appeals_headline as
select
    month_start, appeal_source, appeal_source as appeal_source_name,
    sum(appeals_count)::int as appeals_count, sum(answered_count)::int as answered_count,
    sum(answered_on_time_count)::int as answered_on_time_count,
    sum(answered_on_time_count)::numeric / nullif(sum(answered_count), 0) as share_answered_on_time,
    0.9::numeric as on_time_target_share,
    null::numeric as first_response_hours_median, null::numeric as first_response_work_hours_median,
    sum(rated_count)::int as rated_count, sum(rated_4_5_count)::int as rated_4_5_count,
    sum(rated_4_5_count)::numeric / nullif(sum(rated_count), 0) as share_rated_4_5,
    0.6::numeric as rating_target_share,
    sum(rated_4_5_count)::numeric / nullif(sum(rated_count), 0) >= 0.6 as meets_rating_target,
    sum(repeat_count)::int as repeat_count, sum(repeat_count)::numeric / sum(appeals_count) as share_repeat,
    sum(rejected_count)::int as rejected_count, sum(moderated_count)::int as moderated_count,
    sum(rejected_count)::numeric / nullif(sum(moderated_count), 0) as share_rejected,
    sum(open_overdue_count)::int as open_overdue_count,
    sum(due_count)::int as due_count, sum(not_yet_due_count)::int as not_yet_due_count,
    sum(extended_count)::int as extended_count, sum(platform_verdict_count)::int as platform_verdict_count,
    sum(platform_disagreement_count)::int as platform_disagreement_count,
    sum(platform_disagreement_count)::numeric / nullif(sum(platform_verdict_count), 0)
        as share_platform_disagreement
from marts.kpi_appeals
group by month_start, appeal_source;

-- the platform-verdict counts are headline columns only: kpi_appeals carried them to build the headline
alter table marts.kpi_appeals drop column platform_verdict_count, drop column platform_disagreement_count;

create table marts.kpi_authority_rating as
select
    month_start, organisation_key, organisation_key as organisation_name, 'ОИВ'::text as organisation_kind,
    null::text as sector_code, null::text as sector_name, null::text as municipality_key,
    null::text as municipality_name, sum(appeals_count)::int as appeals_count,
    sum(answered_on_time_count)::numeric / sum(appeals_count) as share_answered_on_time,
    sum(rated_4_5_count)::numeric / nullif(sum(rated_count), 0) as share_rated_4_5,
    0::int as decisions_due_count, null::numeric as share_decisions_on_time,
    sum(open_overdue_count)::int as open_overdue_count,
    100 * sum(answered_on_time_count)::numeric / sum(appeals_count) as score_on_time,
    null::numeric as score_rating, null::numeric as score_decisions, null::numeric as score_overdue,
    100 * sum(answered_on_time_count)::numeric / sum(appeals_count) as composite_score,
    (rank() over (partition by month_start order by sum(answered_on_time_count)::numeric
        / sum(appeals_count) desc))::int as rank_in_kind
from marts.kpi_appeals
group by month_start, organisation_key;

create table marts.kpi_decision_discipline as
select
    date_trunc('month', current_due_date)::date as month_start, organisation_key,
    organisation_key as organisation_name, 'ОИВ'::text as organisation_kind,
    min(sector_code) as sector_code, min(sector_code) as sector_name,
    count(*)::int as decisions_count,
    (count(*) filter (where execution_bucket_code = 'on_time'))::int as executed_on_time_count,
    (count(*) filter (where execution_bucket_code = 'late'))::int as executed_late_count,
    (count(*) filter (where execution_bucket_code = 'overdue'))::int as overdue_count,
    (count(*) filter (where execution_bucket_code = 'not_due'))::int as not_due_count,
    (count(*) filter (where execution_bucket_code = 'removed'))::int as removed_count,
    (count(*) filter (where is_extended))::int as extended_count,
    (count(*) filter (where execution_bucket_code = 'on_time'))::numeric / count(*) as share_executed_on_time,
    (count(*) filter (where execution_bucket_code = 'overdue'))::numeric / count(*) as share_overdue,
    avg(days_late) as days_late_mean
from marts.fct_decisions
group by 1, 2;

create table marts.kpi_programme_achievement as
select
    extract(year from period_start)::int as year, ministry, programme_key, programme_key as programme_name,
    min(sector_code) as sector_code, min(sector_code) as sector_name,
    count(*)::int as indicators_count,
    (count(*) filter (where achievement_band = 'high'))::int as band_high_count,
    (count(*) filter (where achievement_band = 'medium'))::int as band_medium_count,
    (count(*) filter (where achievement_band = 'low'))::int as band_low_count,
    avg(achievement_degree) as achievement_degree_mean, avg(achievement_degree) as forecast_degree_mean,
    (count(*) filter (where achievement_band = 'low'))::int as indicators_at_risk_count
from marts.fct_indicator_values
group by 1, 2, 3;

create table marts.kpi_indicator_progress as
select
    indicator_code, indicator_code as indicator_name, programme_key, programme_key as programme_name,
    ministry, sector_code, sector_code as sector_name, null::text as okei_name, direction, period_type,
    period_start, period_end, extract(year from period_start)::int as year, plan_value, fact_value,
    forecast_value, achievement_degree, achievement_band, achievement_degree as forecast_degree,
    submitted_at
from marts.fct_indicator_values;

create table marts.kpi_conflict_signals as
select
    date_trunc('week', created_date)::date as week_start, sector_code, sector_code as sector_name,
    municipality_key, municipality_key as municipality_name, count(*)::int as appeals_count,
    count(*)::numeric as baseline_mean, 0::numeric as baseline_stddev, null::numeric as z_score,
    false as is_spike
from marts.fct_appeals
group by 1, 2, 4;

create table marts.kpi_source_loads as
select
    batch_id, source, source as source_name, file_name, status, started_at, finished_at,
    rows_read, rows_loaded, rows_quarantined,
    rows_quarantined::numeric / nullif(rows_read, 0) as share_quarantined
from raw.load_batches;

create table marts.kpi_data_freshness as
select
    source, source as source_name, count(*)::int as batches_count, max(finished_at) as last_loaded_at,
    null::date as data_as_of,
    coalesce(sum(rows_loaded) filter (where status = 'loaded'), 0) as rows_loaded,
    coalesce(sum(rows_quarantined) filter (where status = 'loaded'), 0) as rows_quarantined
from raw.load_batches
group by source;
"""


def create_kpi_stand_ins(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute(KPI_STAND_INS)  # type: ignore[arg-type]
