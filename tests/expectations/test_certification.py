"""Mart suites and certification on the real marts, built by the product's daily job.

The shared build of the sample (``sample_build`` in ``tests/conftest.py``: generated sample → raw →
dbt build → Great Expectations, run by Dagster) is read as it is; every test that changes data works
on its own copy (``sample_copy``).

* every mart suite passes on the good build and fails, on the named checks only, on a crafted bad
  input (a suite that cannot fail is a defect);
* a corrupted ПОС batch (answers before the appeal was created) fails ``marts.fct_appeals`` and
  withdraws the certification of the appeal marts only; a corrected export restores it; the Data
  Docs list every run;
* in Dagster the failure is a failed, non-blocking asset check: the run stays green.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from cli.main import main as cur
from core.dbt import run_dbt
from expectations import validate
from expectations.certification import (
    CertificationStatus,
    certify,
    current_certification,
    record_certifications,
)
from expectations.lineage import upstream_suites
from expectations.results import SuiteResult
from expectations.suites import MART_SUITES, SUITES
from expectations.suites.channels import (
    AN_OVERDUE_APPEAL_IS_OPEN,
    MATCHED_COUNTED_ONCE,
    UNIQUE_NOT_ABOVE_APPEALS,
)
from expectations.suites.marts import (
    MUNICIPALITY_RATE_CHECK,
    OVERDUE_LIST_MATCHES_HEADLINE,
    PLATFORM_DISAGREEMENT_CHECK,
    RECONCILES_WITH_FACTS,
    RECONCILES_WITH_RAW,
    UNPLACED_SHARE_CHECK,
)
from ingestion.load import load_landing
from tests import factories as f
from tests.conftest import SampleBuild
from tests.pipeline import run_job

MART_NAMES = [s.name for s in MART_SUITES]
ALL_MARTS = [s.table for s in MART_SUITES]
FACTS = ("fct_appeals", "fct_decisions", "fct_indicator_values")
# The marts a failed fct_appeals suite withdraws: fct_appeals and every mart downstream of it in the
# dbt graph (read from the manifest, as the certification reads it).
_UPSTREAM = upstream_suites(SUITES)
APPEAL_MARTS = {"fct_appeals"} | {
    s.table for s in MART_SUITES if "marts.fct_appeals" in _UPSTREAM.get(s.name, ())
}


@pytest.fixture
def wh(sample_copy: str) -> str:
    """A private copy of the built sample: the real marts, as dbt built them."""
    return sample_copy


def run_sql(dsn: str, sql: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def test_the_shared_build_ran_green_with_every_mart_certified(sample_build: SampleBuild) -> None:
    assert sample_build.run_success
    assert sample_build.checks_failed == ()
    current = current_certification(sample_build.dsn)
    assert set(current) == set(ALL_MARTS) and all(s.is_certified for s in current.values())


def test_every_mart_suite_passes_on_a_good_build(sample_build: SampleBuild, tmp_path: Path) -> None:
    wh = sample_build.dsn
    results = validate(wh, MART_NAMES, docs_dir=tmp_path / "docs")
    critical = {
        r.suite: [f.describe() for f in r.critical_failures] or r.error for r in results if not r.success
    }
    assert critical == {}
    with psycopg.connect(wh) as conn:
        facts = {t: conn.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in FACTS}  # type: ignore[index]
    assert all(n > 0 for n in facts.values()), facts  # the suites ran on real rows


# (suite, SQL that breaks one thing, the checks that must fail — and only those)
CASES: list[tuple[str, str, set[str]]] = [
    # facts
    (
        "marts.fct_appeals",
        "delete from marts.fct_appeals where ctid in (select ctid from marts.fct_appeals limit 1)",
        {RECONCILES_WITH_RAW},
    ),
    (
        "marts.fct_appeals",
        "update marts.fct_appeals set sector_code = 'no_such_sector' where source_appeal_id ="
        " (select min(source_appeal_id) from marts.fct_appeals)",
        {"no orphan sector_code"},
    ),
    (
        "marts.fct_appeals",
        "update marts.fct_appeals set first_response_at = created_at - interval '1 day',"
        " response_minutes_calendar = -1440 where source_appeal_id ="
        " (select min(source_appeal_id) from marts.fct_appeals where appeal_source = 'pos')",
        {"first_response_at >= created_at", "response_minutes_calendar in 0.."},
    ),
    (
        "marts.fct_appeals",
        "update marts.fct_appeals set municipality_method = 'undetermined', municipality_key = 'unknown'"
        " where appeal_source = 'pos' and source_appeal_id % 5 = 0",
        {UNPLACED_SHARE_CHECK},
    ),
    (
        "marts.fct_decisions",
        "insert into marts.fct_decisions select * from marts.fct_decisions limit 1",
        {"resolution_id unique", RECONCILES_WITH_RAW},
    ),
    (
        "marts.fct_decisions",
        "update marts.fct_decisions set organisation_key = 'ghost'"
        " where resolution_id = (select min(resolution_id) from marts.fct_decisions)",
        {"no orphan organisation_key"},
    ),
    (
        "marts.fct_decisions",
        "update marts.fct_decisions set execution_bucket_code = 'removed', days_late = null"
        " where resolution_id = (select min(resolution_id) from marts.fct_decisions"
        " where executed_date is not null)",
        {"an executed поручение is in time or late, even when removed from control"},
    ),
    (
        "marts.fct_indicator_values",
        "update marts.fct_indicator_values set achievement_degree = 1.5"
        " where indicator_code = (select min(indicator_code) from marts.fct_indicator_values)",
        {"achievement_degree in 0..1"},
    ),
    (
        "marts.fct_indicator_values",
        "delete from marts.fct_indicator_values"
        " where indicator_code = (select min(indicator_code) from marts.fct_indicator_values)",
        {RECONCILES_WITH_RAW},
    ),
    # KPI marts
    (
        "marts.kpi_appeals",
        "update marts.kpi_appeals set share_answered_on_time = 1.2 where ctid ="
        " (select min(ctid) from marts.kpi_appeals)",
        {"share_answered_on_time in 0..1"},
    ),
    (
        "marts.kpi_appeals",
        "update marts.kpi_appeals set appeals_count = appeals_count + 1, answered_count = answered_count"
        " where ctid = (select min(ctid) from marts.kpi_appeals)",
        {RECONCILES_WITH_FACTS},
    ),
    (
        "marts.kpi_appeals",
        "update marts.kpi_appeals set topic_key = 'orphan-topic', rated_4_5_count = rated_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_appeals)",
        {"no orphan topic_key", "rated_4_5_count <= rated_count"},
    ),
    (
        "marts.kpi_appeals_monthly",
        "update marts.kpi_appeals_monthly set appeals_count = appeals_count + 1,"
        " rated_4_5_count = rated_count + 1 where ctid = (select min(ctid) from marts.kpi_appeals_monthly)",
        {RECONCILES_WITH_FACTS, "rated_4_5_count <= rated_count"},
    ),
    (
        "marts.kpi_appeals_headline",
        "update marts.kpi_appeals_headline set appeals_count = appeals_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_appeals_headline)",
        {RECONCILES_WITH_FACTS, "months reconcile with kpi_appeals"},
    ),
    (
        "marts.kpi_appeals",
        "update marts.kpi_appeals set due_count = answered_on_time_count - 1, not_yet_due_count = -1"
        " where ctid = (select min(ctid) from marts.kpi_appeals where answered_on_time_count > 0)",
        {"answered_on_time_count <= due_count", "not_yet_due_count in 0.."},
    ),
    (
        "marts.kpi_appeals_headline",
        "update marts.kpi_appeals_headline set platform_verdict_count = 20, platform_disagreement_count = 2,"
        " share_platform_disagreement = 0.1"
        " where ctid = (select min(ctid) from marts.kpi_appeals_headline)",
        {PLATFORM_DISAGREEMENT_CHECK},
    ),
    (
        "marts.kpi_appeals_headline",
        "update marts.kpi_appeals_headline set share_rated_4_5 = -0.1"
        " where ctid = (select min(ctid) from marts.kpi_appeals_headline)",
        {"share_rated_4_5 in 0..1"},
    ),
    (
        "marts.kpi_authority_rating",
        "update marts.kpi_authority_rating set composite_score = 140, rank_in_kind = 0"
        " where ctid = (select min(ctid) from marts.kpi_authority_rating where is_ranked)",
        {"composite_score in 0..100", "rank_in_kind in 1..100000"},
    ),
    (
        "marts.kpi_decision_discipline",
        "update marts.kpi_decision_discipline set overdue_count = overdue_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_decision_discipline)",
        {"buckets add up to decisions_count"},
    ),
    (
        "marts.kpi_decision_discipline",
        "delete from marts.kpi_decision_discipline"
        " where ctid = (select min(ctid) from marts.kpi_decision_discipline)",
        {RECONCILES_WITH_FACTS},
    ),
    (
        "marts.kpi_programme_achievement",
        "update marts.kpi_programme_achievement set band_low_count = indicators_count + 1,"
        " indicators_at_risk_count = indicators_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_programme_achievement)",
        {
            "band_high_count + band_medium_count + band_low_count <= indicators_count",
            "indicators_at_risk_count <= indicators_count",
        },
    ),
    (
        "marts.kpi_indicator_progress",
        "delete from marts.kpi_indicator_progress"
        " where ctid = (select min(ctid) from marts.kpi_indicator_progress)",
        {RECONCILES_WITH_FACTS},
    ),
    (
        "marts.kpi_indicator_progress",
        "update marts.kpi_indicator_progress set programme_key = 'ghost-programme'"
        " where ctid = (select min(ctid) from marts.kpi_indicator_progress)",
        {"no orphan programme_key"},
    ),
    (
        "marts.kpi_conflict_signals",
        "update marts.kpi_conflict_signals set is_spike = true, z_score = -1"
        " where ctid = (select min(ctid) from marts.kpi_conflict_signals)",
        {"a spike is above its baseline"},
    ),
    (
        "marts.kpi_conflict_signals",
        "update marts.kpi_conflict_signals set week_start = week_start + 2"
        " where ctid = (select min(ctid) from marts.kpi_conflict_signals)",
        {"week_start is a Monday"},
    ),
    (
        "marts.kpi_municipality_appeals",
        "update marts.kpi_municipality_appeals set appeals_per_10k_residents = appeals_per_10k_residents * 2"
        " where (month_start, appeal_source, municipality_key) = (select month_start, appeal_source,"
        " municipality_key from marts.kpi_municipality_appeals where population > 0"
        " order by 1, 2, 3 limit 1)",
        {MUNICIPALITY_RATE_CHECK},
    ),
    (
        "marts.kpi_overdue_appeals",
        "delete from marts.kpi_overdue_appeals where ctid in"
        " (select ctid from marts.kpi_overdue_appeals limit 1)",
        {RECONCILES_WITH_FACTS, OVERDUE_LIST_MATCHES_HEADLINE},
    ),
    (
        "marts.kpi_overdue_decisions",
        "delete from marts.kpi_overdue_decisions where ctid in"
        " (select ctid from marts.kpi_overdue_decisions limit 1)",
        {OVERDUE_LIST_MATCHES_HEADLINE},
    ),
    (
        "marts.kpi_appeals_weekly",
        "update marts.kpi_appeals_weekly set appeals_count = appeals_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_appeals_weekly)",
        {RECONCILES_WITH_FACTS},
    ),
    (
        "marts.kpi_source_loads",
        "update marts.kpi_source_loads set rows_quarantined = rows_quarantined + 1, rows_read = rows_read + 1"
        " where batch_id = (select min(batch_id) from marts.kpi_source_loads where status = 'loaded')",
        {"quarantined rows reconcile with raw"},
    ),
    (
        "marts.kpi_source_loads",
        "update marts.kpi_source_loads set share_quarantined = 2 where batch_id ="
        " (select min(batch_id) from marts.kpi_source_loads)",
        {"share_quarantined in 0..1"},
    ),
    (
        "marts.kpi_data_freshness",
        "update marts.kpi_data_freshness set rows_loaded = rows_loaded + 5 where source = 'pos'",
        {"loaded rows reconcile with raw"},
    ),
    (
        "marts.kpi_data_freshness",
        # The mart's contract makes source unique in PostgreSQL; GX must catch a duplicate wherever the
        # constraint is absent, so the crafted input drops it first.
        "do $$ declare c text; begin for c in select conname from pg_constraint"
        " where conrelid = 'marts.kpi_data_freshness'::regclass and contype in ('u', 'p') loop"
        " execute format('alter table marts.kpi_data_freshness drop constraint %I', c); end loop; end $$;"
        " insert into marts.kpi_data_freshness select * from marts.kpi_data_freshness where source = 'im'",
        {"source unique"},
    ),
    # written appeals (59-ФЗ), the participation platform and all channels (expectations/suites/channels.py)
    (
        "marts.fct_written_appeals",
        "update marts.fct_written_appeals set is_overdue_open = true, is_open = false"
        " where appeal_id = (select min(appeal_id) from marts.fct_written_appeals where is_forwarded)",
        {AN_OVERDUE_APPEAL_IS_OPEN},
    ),
    (
        "marts.fct_platform_messages",
        "delete from marts.fct_platform_messages"
        " where item_id = (select min(item_id) from marts.fct_platform_messages)",
        {RECONCILES_WITH_RAW},
    ),
    (
        "marts.kpi_written_appeals",
        "update marts.kpi_written_appeals set answered_on_time_count = answered_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_written_appeals)",
        {"answered_on_time_count <= answered_count"},
    ),
    (
        "marts.kpi_platform_messages",
        "update marts.kpi_platform_messages set items_count = items_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_platform_messages)",
        {RECONCILES_WITH_FACTS},
    ),
    (
        "marts.kpi_appeals_all_channels",
        "update marts.kpi_appeals_all_channels set unique_problems_count = appeals_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_appeals_all_channels)",
        {UNIQUE_NOT_ABOVE_APPEALS},
    ),
    (
        "marts.kpi_appeals_all_channels",
        "update marts.kpi_appeals_all_channels set matched_elsewhere_count = matched_elsewhere_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_appeals_all_channels"
        " where channel_group = 'platform')",
        {MATCHED_COUNTED_ONCE},
    ),
    # satisfaction, polls and official pages
    (
        "marts.fct_poll_answers",
        "delete from marts.fct_poll_answers where ctid in (select ctid from marts.fct_poll_answers limit 1)",
        {RECONCILES_WITH_RAW},
    ),
    (
        "marts.kpi_poll_results",
        "update marts.kpi_poll_results set option_respondents_count = option_respondents_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_poll_results"
        " where option_respondents_count + 1 < respondents_count)",
        {RECONCILES_WITH_FACTS},
    ),
    (
        "marts.kpi_poll_results",
        "update marts.kpi_poll_results set share = share + 0.05, share_high = least(share_high + 0.05, 1)"
        " where ctid = (select min(ctid) from marts.kpi_poll_results where share_high < 0.9)",
        {"shares of a question's options add up to 1"},
    ),
    (
        "marts.kpi_satisfaction",
        "update marts.kpi_satisfaction set rated_4_5_count = rated_4_5_count + 1"
        " where ctid = (select min(ctid) from marts.kpi_satisfaction where rated_4_5_count + 1 <= rated_count"
        " and rated_1_2_count + rated_4_5_count < rated_count)",
        {"4–5 ratings reconcile with kpi_appeals"},
    ),
    (
        "marts.fct_page_activity",
        "delete from marts.fct_page_activity where ctid in"
        " (select ctid from marts.fct_page_activity limit 1)",
        {RECONCILES_WITH_RAW},
    ),
    (
        "marts.kpi_page_activity",
        "update marts.kpi_page_activity set share_answered = 0"
        " where ctid = (select min(ctid) from marts.kpi_page_activity where comments = 0)",
        {"share_answered is null exactly when there is no comment"},
    ),
    (
        "marts.kpi_official_pages",
        "update marts.kpi_official_pages set is_silent = true"
        " where ctid = (select min(ctid) from marts.kpi_official_pages where not has_page)",
        {"only a page can be silent"},
    ),
]


def test_the_appeal_marts_follow_fct_appeals_in_the_graph() -> None:
    assert {"kpi_appeals", "kpi_appeals_headline", "kpi_authority_rating"} < APPEAL_MARTS
    assert not APPEAL_MARTS & {"fct_decisions", "fct_indicator_values", "kpi_programme_achievement"}


def test_every_mart_suite_has_a_failing_case() -> None:
    assert {suite for suite, _, _ in CASES} == set(MART_NAMES)
    for suite, _, expected in CASES:
        assert expected <= set(SUITES[suite].check_names), (suite, expected)


@pytest.mark.parametrize(
    ("suite", "sql", "expected"), CASES, ids=[f"{c[0]}:{sorted(c[2])[0]}" for c in CASES]
)
def test_a_broken_mart_fails_its_suite_on_the_named_checks(
    wh: str, tmp_path: Path, suite: str, sql: str, expected: set[str]
) -> None:
    run_sql(wh, sql)
    [result] = validate(wh, [suite], docs_dir=tmp_path / "docs")
    assert result.error is None and not result.success
    assert {f.name for f in result.critical_failures} == expected, [f.describe() for f in result.failures]
    assert all(not f.observed.startswith("error") for f in result.failures)


def test_lineage_comes_from_the_dbt_graph() -> None:
    upstream = upstream_suites(SUITES)
    assert set(upstream["marts.fct_appeals"]) == {
        "raw.pos_appeals",
        "raw.pos_appeal_events",
        "raw.im_incidents",
        "raw.survey_ratings",
    }
    assert "raw.delo_reply" in upstream["marts.fct_decisions"]
    assert upstream["marts.fct_indicator_values"] == ("raw.indicator_values",)
    assert upstream["raw.pos_appeals"] == ()
    manifest = {
        "nodes": {
            "model.p.kpi_appeals": {
                "resource_type": "model",
                "schema": "marts",
                "name": "kpi_appeals",
                "depends_on": {"nodes": ["model.p.fct_appeals"]},
            },
            "model.p.fct_appeals": {
                "resource_type": "model",
                "schema": "marts",
                "name": "fct_appeals",
                "depends_on": {"nodes": ["source.p.pos.pos_appeals"]},
            },
        },
        "sources": {
            "source.p.pos.pos_appeals": {
                "resource_type": "source",
                "schema": "raw",
                "name": "pos_appeals",
                "identifier": "pos_appeals",
            }
        },
    }
    assert upstream_suites(SUITES, manifest)["marts.kpi_appeals"] == ("marts.fct_appeals", "raw.pos_appeals")


def _result(suite: str, success: bool) -> SuiteResult:
    from datetime import UTC, datetime

    return SuiteResult(suite, success, 3, 0 if success else 1, (), datetime.now(UTC))


def test_an_upstream_failure_withdraws_the_certification_and_is_named(wh: str) -> None:
    statuses = record_certifications(
        wh,
        "run-1",
        [
            _result("raw.pos_appeals", False),
            _result("marts.fct_appeals", True),
            _result("marts.fct_decisions", True),
        ],
        {"marts.fct_appeals": ("raw.pos_appeals",), "marts.fct_decisions": ("raw.delo_reply",)},
    )
    by_mart = {s.mart: s for s in statuses}
    assert set(by_mart) == {"fct_appeals", "fct_decisions"}  # raw suites are no marts
    assert not by_mart["fct_appeals"].is_certified
    assert by_mart["fct_appeals"].failed_expectations == ("upstream suite raw.pos_appeals failed",)
    assert by_mart["fct_decisions"].is_certified  # its upstream was not validated in this run


def _pos_appeal(appeal_id: int, created: str, answered: str, last: str) -> dict[str, object]:
    return f.pos_record(
        appeal_id,
        CreatedAt=created,
        AnswerAt=answered,
        History=[
            {"Status": "MODERATION_NEW", "CreatedAt": created, "CreatedBy": "Система"},
            {"Status": "SEND_RESPONSE", "CreatedAt": last, "CreatedBy": "Исполнитель"},
        ],
    )


def _certify_all(dsn: str, run_id: str, docs: Path, target: Path) -> dict[str, CertificationStatus]:
    # A new ПОС export changes only what is built from the ПОС source and the load batches: rebuild
    # those models (as the daily job's dbt step would), then certify every mart.
    run = run_dbt(["run", "--select", "source:pos+", "source:loads+"], dsn, target_dir=target, capture=True)
    assert run.returncode == 0, run.stdout[-3000:]
    statuses, _ = certify(dsn, run_id, ALL_MARTS, docs_dir=docs)
    return {s.mart: s for s in statuses}


@pytest.mark.slow
def test_a_corrupted_batch_withdraws_certification_where_it_should_and_a_corrected_one_restores_it(
    wh: str, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    target = tmp_path / "dbt_target"
    all_marts = {s.table for s in MART_SUITES}

    good, _ = certify(wh, "run-good", ALL_MARTS, docs_dir=docs)
    assert {s.mart for s in good if s.is_certified} == all_marts, [s for s in good if not s.is_certified]
    assert all(s.data_as_of is not None for s in good)

    # A ПОС export whose history has the first SEND_RESPONSE two days before the appeal was created (a
    # source-system bug the loader cannot see: it checks AnswerAt, which is after the creation here).
    bad = tmp_path / "bad"
    f.write_jsonl(
        bad / "pos" / "pos_appeals_2026-03.jsonl",
        [
            _pos_appeal(
                9_100_001,
                "2026-03-05T10:00:00+07:00",
                "2026-03-05T12:00:00+07:00",
                "2026-03-03T10:00:00+07:00",
            )
        ],
    )
    assert [r.status for r in load_landing(wh, bad)] == ["loaded"]
    corrupted = _certify_all(wh, "run-corrupted", docs, target)
    withdrawn = {m for m, s in corrupted.items() if not s.is_certified}
    assert withdrawn == APPEAL_MARTS, {m: corrupted[m].failed_expectations for m in withdrawn ^ APPEAL_MARTS}
    assert "first_response_at >= created_at" in " ".join(corrupted["fct_appeals"].failed_expectations)
    assert "upstream suite marts.fct_appeals failed" in corrupted["kpi_appeals"].failed_expectations
    current = current_certification(wh)
    assert {m for m, s in current.items() if not s.is_certified} == APPEAL_MARTS
    with psycopg.connect(wh) as conn:
        view = dict(conn.execute("select mart, is_certified from marts.kpi_certification_status").fetchall())
    assert {m for m, ok in view.items() if not ok} == APPEAL_MARTS  # the view follows without dbt

    # The next export corrects the answer time: the latest state supersedes the bad one.
    fixed = tmp_path / "fixed"
    f.write_jsonl(
        fixed / "pos" / "pos_appeals_2026-04.jsonl",
        [
            _pos_appeal(
                9_100_001,
                "2026-03-05T10:00:00+07:00",
                "2026-03-06T10:00:00+07:00",
                "2026-03-06T10:00:00+07:00",
            )
        ],
    )
    assert [r.status for r in load_landing(wh, fixed)] == ["loaded"]
    restored = _certify_all(wh, "run-corrected", docs, target)
    assert all(s.is_certified for s in restored.values()), {
        m: s.failed_expectations for m, s in restored.items()
    }
    assert all(s.is_certified for s in current_certification(wh).values())

    with psycopg.connect(wh) as conn:
        runs = conn.execute(
            "select run_id, count(*) filter (where not passed) from quality.certifications group by run_id"
        ).fetchall()
    runs = {run: failed for run, failed in runs if run.startswith("run-")}  # not the Dagster run of the build
    assert runs == {"run-good": 0, "run-corrupted": len(APPEAL_MARTS), "run-corrected": 0}
    index = (docs / "index.html").read_text(encoding="utf-8")
    for run_id in ("run-good", "run-corrupted", "run-corrected"):
        assert run_id in index, f"Data Docs list the run {run_id}"


@pytest.mark.slow
def test_in_dagster_a_failed_suite_is_a_failed_check_and_the_run_stays_green(tmp_path: Path, wh: str) -> None:
    from dagster_project.checks import CERTIFICATION_CHECK

    dsn = wh
    landing = tmp_path / "landing"  # the next day's landing: one new, corrupted ПОС export
    f.write_jsonl(
        landing / "pos" / "pos_appeals_2026-03.jsonl",
        [
            _pos_appeal(
                9_100_001,
                "2026-03-05T10:00:00+07:00",
                "2026-03-05T12:00:00+07:00",
                "2026-03-03T10:00:00+07:00",  # the first SEND_RESPONSE before creation
            )
        ],
    )
    result = run_job(dsn, landing)
    assert result.success, "a failed certification must not fail the run"
    checks = {
        e.event_specific_data.asset_key.path[-1]: e.event_specific_data.passed  # type: ignore[union-attr]
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.event_specific_data.check_name == CERTIFICATION_CHECK  # type: ignore[union-attr]
    }
    # Withdrawn exactly where the dbt graph leads from fct_appeals (the KPI marts, once they exist).
    upstream = upstream_suites(SUITES)
    expected = {
        m: not (m == "fct_appeals" or "marts.fct_appeals" in upstream.get(f"marts.{m}", ())) for m in checks
    }
    assert set(FACTS) <= set(checks)
    assert checks == expected
    assert not checks["fct_appeals"] and checks["fct_decisions"] and checks["fct_indicator_values"]
    current = current_certification(dsn)
    assert {m: s.is_certified for m, s in current.items()} == checks
    assert all(s.run_id == result.run_id for s in current.values())


def test_cli_certify_records_and_exits_1_when_a_mart_is_withdrawn(wh: str, tmp_path: Path) -> None:
    args = [
        "quality",
        "certify",
        "--dsn",
        wh,
        "--mart",
        "fct_decisions",
        "--docs-dir",
        str(tmp_path),
        "--run-id",
        "cli-1",
    ]
    ok = CliRunner().invoke(cur, args)
    assert ok.exit_code == 0, ok.output
    assert "fct_decisions" in ok.output and "certified" in ok.output
    run_sql(wh, "update marts.fct_decisions set organisation_key = 'ghost'")
    bad = CliRunner().invoke(cur, [*args[:-1], "cli-2"])
    assert bad.exit_code == 1, bad.output
    assert "WITHDRAWN" in bad.output and "no orphan organisation_key" in bad.output
    current = current_certification(wh)["fct_decisions"]
    assert (current.is_certified, current.run_id) == (False, "cli-2")


def test_details_name_the_suite_and_the_time_in_utc() -> None:
    from datetime import datetime, timedelta, timezone

    local = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=7)))
    ok = CertificationStatus("kpi_appeals", "marts.kpi_appeals", True, local, (), None)
    assert ok.details == "Suite marts.kpi_appeals passed at 2026-03-01 02:30 UTC"
    bad = CertificationStatus("kpi_appeals", "marts.kpi_appeals", False, local, ("x",), None)
    assert bad.details.startswith("Suite marts.kpi_appeals FAILED")
