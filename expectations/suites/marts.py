"""Suites of the marts that feed certified dashboards: the facts and the KPI marts.

Each suite checks, on the mart's own rows: the grain (unique keys), not-null keys, shares within
0..1, counts that cannot be negative or exceed their denominator, no orphan keys (every key is in
its dimension), and **reconciliation** with the layer below:

* facts with raw, as staging deduplicates it. Raw tables hold only loaded rows: a quarantined row
  never reaches them, and the raw suites check per batch that rows in the table = ``rows_loaded`` =
  ``rows_read - rows_quarantined``. So "raw minus quarantine" is the raw table itself, and:

  - ``fct_appeals``: rows per source = distinct ``appeal_id`` in ``raw.pos_appeals`` (ПОС) and
    distinct ``incident_id`` in ``raw.im_incidents`` (Инцидент Менеджмент): staging keeps the latest
    export of each appeal;
  - ``fct_decisions``: rows = distinct поручения (``isn_resolution``) of the latest
    ``raw.delo_resolution`` export (one row per поручение, its responsible executor's);
  - ``fct_indicator_values``: rows = distinct (trimmed code, period type, period start) in
    ``raw.indicator_values``: the latest submission of each indicator and period counts;

* KPI marts with the facts: e.g. ``sum(appeals_count)`` of ``kpi_appeals`` per source = rows of
  ``fct_appeals``.

The KPI marts' columns are those of their dbt contracts (``dbt/models/marts/**/kpi_*.yml``). A check
whose formula the model's documentation leaves open is a ``warning`` (reported, not blocking
certification).

``DATA_AS_OF`` gives, per mart, the SQL of the latest business time its data describes: the
certification record and the dashboards show it.
"""

from __future__ import annotations

from core.dbt import project_var
from expectations.spec import (
    Check,
    SuiteSpec,
    between,
    in_set,
    no_rows,
    non_negative,
    not_null,
)
from expectations.suites.from_dbt import structural_checks

MARTS_SCHEMA = "marts"

# The checks' names, for results and tests.
RECONCILES_WITH_RAW = "rows reconcile with raw (loaded, not quarantined)"
RECONCILES_WITH_FACTS = "totals reconcile with the facts"


def mart_suite(table: str, checks: tuple[Check, ...], description: str = "") -> SuiteSpec:
    """The suite of ``marts.<table>``: the structural checks of its dbt YAML (:mod:`from_dbt`) and the
    hand-written ``checks`` dbt does not express. A hand-written check that repeats one of the dbt YAML
    is an error: each rule is written once."""
    derived = structural_checks(table)
    repeated = sorted({c.name for c in derived} & {c.name for c in checks})
    if repeated:
        raise ValueError(f"marts.{table}: checks written in its dbt YAML too: {repeated}")
    return SuiteSpec(MARTS_SCHEMA, table, (*derived, *checks), description)


def not_above(part: str, whole: str, severity: str = "critical") -> Check:
    """``part`` <= ``whole`` on every row where both are set (a count within its denominator)."""
    return no_rows(
        f"{part} <= {whole}",
        f"select {part}, {whole} from {{batch}} where {part} > {whole}",
        severity,  # type: ignore[arg-type]
    )


def shares(*columns: str) -> tuple[Check, ...]:
    return tuple(between(c, 0, 1) for c in columns)


def totals_match(name: str, mine: str, theirs: str, severity: str = "critical") -> Check:
    """Two aggregate queries, each giving ``k`` (a key) and ``total``, agree on every key.

    ``mine`` reads the validated table as ``{batch} t``; ``theirs`` reads other tables. Returned: the
    keys whose totals differ (a key missing on one side counts as a difference).
    """
    return no_rows(
        name,
        "select coalesce(m.k, o.k) as k, m.total as in_mart, o.total as expected"
        f" from ({mine}) m full join ({theirs}) o on o.k = m.k"
        " where m.total is distinct from o.total",
        severity,  # type: ignore[arg-type]
    )


# ---- facts ----------------------------------------------------------------------------------------

_RAW_APPEALS = (
    "select 'pos' as k, count(distinct appeal_id) as total from raw.pos_appeals"
    " having count(*) > 0"
    " union all select 'im', count(distinct incident_id) from raw.im_incidents having count(*) > 0"
)

# Quality of the place of an appeal (issue 10, dbt int_appeals__places): at most this share of a
# source's appeals may be «Не определено» (neither the location nor, without one, the answering body
# gave a municipality of the reference). Project threshold: above it the per-municipality figures and
# rates are too incomplete to certify.
MAX_UNPLACED_SHARE = 0.10
UNPLACED_SHARE_CHECK = f"appeals with an undetermined place at most {MAX_UNPLACED_SHARE:.0%} per source"

FCT_APPEALS_SUITE = mart_suite(
    "fct_appeals",
    (
        *non_negative("response_minutes_calendar", "response_minutes_working"),
        no_rows(
            "first_response_at >= created_at",
            "select appeal_source, source_appeal_id, created_at, first_response_at from {batch}"
            " where first_response_at < created_at",
        ),
        no_rows(
            "an overdue appeal is open",
            "select appeal_source, source_appeal_id from {batch} where is_overdue_open and not is_open",
        ),
        no_rows(
            UNPLACED_SHARE_CHECK,
            "select appeal_source, count(*) as appeals,"
            " sum(case when municipality_method = 'undetermined' then 1 else 0 end) as undetermined"
            " from {batch} group by appeal_source"
            f" having sum(case when municipality_method = 'undetermined' then 1 else 0 end)"
            f" > {MAX_UNPLACED_SHARE} * count(*)",
        ),
        totals_match(
            RECONCILES_WITH_RAW,
            "select appeal_source as k, count(*) as total from {batch} t group by appeal_source",
            _RAW_APPEALS,
        ),
    ),
    "Appeal facts: one row per ПОС appeal or Инцидент Менеджмент incident.",
)

_RAW_DECISIONS = (
    "select 'all' as k, count(distinct s.isn_resolution) as total from raw.delo_resolution s"
    " where s.exported_at = (select max(exported_at) from raw.delo_resolution) having count(*) > 0"
)

FCT_DECISIONS_SUITE = mart_suite(
    "fct_decisions",
    (
        *not_null("exported_at"),
        *non_negative("number_of_extensions", "days_late"),
        no_rows(
            "an extended decision has extensions",
            "select resolution_id from {batch} where is_extended <> (number_of_extensions > 0)",
        ),
        no_rows(
            "late and overdue decisions have days_late",
            "select resolution_id, execution_bucket_code, days_late from {batch}"
            " where execution_bucket_code in ('late', 'overdue') and days_late is null",
        ),
        no_rows(
            "an executed поручение is in time or late, even when removed from control",
            "select resolution_id, execution_bucket_code from {batch}"
            " where executed_date is not null and execution_bucket_code not in ('on_time', 'late')",
        ),
        totals_match(
            RECONCILES_WITH_RAW,
            "select 'all' as k, count(*) as total from {batch} t having count(*) > 0",
            _RAW_DECISIONS,
        ),
    ),
    "Decision facts: one row per «Дело» поручение (its responsible executor) in the latest export.",
)

FCT_INDICATOR_VALUES_SUITE = mart_suite(
    "fct_indicator_values",
    (
        in_set("direction", ("increase", "decrease")),
        between("achievement_degree", 0, 1),
        non_negative("superseded_submissions")[0],
        totals_match(
            RECONCILES_WITH_RAW,
            "select 'all' as k, count(*) as total from {batch} t having count(*) > 0",
            "select 'all' as k, count(*) as total from (select distinct trim(indicator_code),"
            " period_type, period_start from raw.indicator_values) x having count(*) > 0",
        ),
    ),
    "Indicator values that count: the latest submission per indicator × period.",
)


# ---- KPI marts (columns per the agreed interface) ---------------------------------------------------

_APPEAL_COUNTS = (
    "answered_count",
    "answered_on_time_count",
    "answered_on_time_work_count",
    "rated_count",
    "repeat_count",
    "moderated_count",
    "rejected_count",
    "open_overdue_count",
)
_FACT_APPEALS_PER_SOURCE = (
    "select appeal_source as k, count(*) as total from marts.fct_appeals group by appeal_source"
)


# The on-time rule's counts (dbt/README.md, "On time"): the share's denominator and the open appeals not
# yet due are parts of the appeals; the numerator is within the denominator.
_ON_TIME_COUNTS = ("due_count", "not_yet_due_count", "extended_count")

# The IM SLA quality measure: the share of answered incidents whose platform verdict («Уложились или нет
# после назн. ПИ») differs from the warehouse's. Project definition: above 5 % in a month the warehouse
# no longer computes the SLA as the platform does (a changed calendar, export or clock start), and the
# headline loses its certification until someone looks.
PLATFORM_DISAGREEMENT_MAX_SHARE = 0.05
PLATFORM_DISAGREEMENT_CHECK = (
    f"IM SLA verdict disagrees with the platform on at most {PLATFORM_DISAGREEMENT_MAX_SHARE:.0%}"
)


def _appeal_count_checks() -> tuple[Check, ...]:
    return (
        *non_negative("appeals_count", *_APPEAL_COUNTS, "rated_4_5_count", *_ON_TIME_COUNTS),
        *(not_above(c, "appeals_count") for c in (*_APPEAL_COUNTS, *_ON_TIME_COUNTS)),
        not_above("rated_4_5_count", "rated_count"),
        not_above("answered_on_time_count", "due_count"),
    )


KPI_APPEALS_SUITE = mart_suite(
    "kpi_appeals",
    (
        *shares("rating_target_share"),
        *_appeal_count_checks(),
        *non_negative(
            "first_response_hours_sum",
            "first_response_hours_mean",
            "first_response_hours_median",
            "first_response_work_hours_sum",
            "first_response_work_hours_mean",
            "first_response_work_hours_median",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select appeal_source as k, sum(appeals_count) as total from {batch} t group by appeal_source",
            _FACT_APPEALS_PER_SOURCE,
        ),
        totals_match(
            "repeat_count reconciles with the facts",
            "select appeal_source as k, sum(repeat_count) as total from {batch} t group by appeal_source",
            "select appeal_source as k, count(*) filter (where is_repeat) as total from marts.fct_appeals"
            " group by appeal_source",
            "warning",
        ),
    ),
    "Appeal KPIs by month, source, sector, municipality, organisation, channel and topic.",
)

KPI_APPEALS_MONTHLY_SUITE = mart_suite(
    "kpi_appeals_monthly",
    (
        *shares("rating_target_share"),
        *_appeal_count_checks(),
        *non_negative("first_response_hours_sum"),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select appeal_source as k, sum(appeals_count) as total from {batch} t group by appeal_source",
            _FACT_APPEALS_PER_SOURCE,
        ),
    ),
    "Appeal KPIs by month, source, sector and municipality (kpi_appeals summed; the leadership charts).",
)

KPI_APPEALS_HEADLINE_SUITE = mart_suite(
    "kpi_appeals_headline",
    (
        *shares("on_time_target_share", "rating_target_share"),
        *non_negative(
            "appeals_count",
            "answered_count",
            "answered_on_time_count",
            "rated_count",
            "rated_4_5_count",
            "repeat_count",
            "rejected_count",
            "moderated_count",
            "open_overdue_count",
            "first_response_hours_median",
            "first_response_work_hours_median",
            *_ON_TIME_COUNTS,
            "platform_verdict_count",
            "platform_disagreement_count",
        ),
        *(
            not_above(c, "appeals_count")
            for c in (
                "answered_count",
                "answered_on_time_count",
                "rated_count",
                "repeat_count",
                *_ON_TIME_COUNTS,
                "platform_verdict_count",
            )
        ),
        not_above("rated_4_5_count", "rated_count"),
        not_above("answered_on_time_count", "due_count"),
        not_above("platform_disagreement_count", "platform_verdict_count"),
        no_rows(
            PLATFORM_DISAGREEMENT_CHECK,
            "select month_start, appeal_source, platform_verdict_count, platform_disagreement_count"
            " from {batch} where platform_disagreement_count"
            f" > {PLATFORM_DISAGREEMENT_MAX_SHARE} * platform_verdict_count",
        ),
        no_rows(
            "meets_rating_target agrees with the shares",
            "select month_start, appeal_source, share_rated_4_5, rating_target_share, meets_rating_target"
            " from {batch} where meets_rating_target is distinct from"
            " (share_rated_4_5 >= rating_target_share) and share_rated_4_5 is not null",
            "warning",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select appeal_source as k, sum(appeals_count) as total from {batch} t group by appeal_source",
            _FACT_APPEALS_PER_SOURCE,
        ),
        totals_match(
            "months reconcile with kpi_appeals",
            "select month_start || '/' || appeal_source as k, appeals_count as total from {batch} t",
            "select month_start || '/' || appeal_source as k, sum(appeals_count) as total"
            " from marts.kpi_appeals group by month_start, appeal_source",
        ),
    ),
    "Headline appeal KPIs for the whole region by month and source.",
)

# The unit of the per-residents rates: the dbt var (one home), checked against, never restated.
_RATE_UNIT = int(project_var("rate_per_residents"))
MUNICIPALITY_RATE_CHECK = "appeals_per_10k_residents = appeals_count × unit / population"

KPI_MUNICIPALITY_APPEALS_SUITE = mart_suite(
    "kpi_municipality_appeals",
    (
        *non_negative(
            "appeals_count",
            "population",
            "placed_by_location_count",
            "placed_by_organisation_count",
            "undetermined_count",
        ),
        no_rows(
            "placements add up to appeals_count",
            "select month_start, appeal_source, municipality_key from {batch} where appeals_count"
            " <> placed_by_location_count + placed_by_organisation_count + undetermined_count",
        ),
        no_rows(
            "only «Не определено» holds undetermined appeals",
            "select month_start, appeal_source, municipality_key, undetermined_count from {batch}"
            " where undetermined_count > 0 and municipality_key <> 'unknown'",
        ),
        no_rows(
            MUNICIPALITY_RATE_CHECK,
            "select month_start, appeal_source, municipality_key, appeals_count, population,"
            " appeals_per_10k_residents from {batch} where (population > 0 and"
            f" abs(appeals_per_10k_residents - appeals_count::numeric * {_RATE_UNIT} / population) > 0.0001)"
            " or (population > 0 and appeals_per_10k_residents is null)"
            " or (coalesce(population, 0) = 0 and appeals_per_10k_residents is not null)",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select appeal_source as k, sum(appeals_count) as total from {batch} t group by appeal_source",
            _FACT_APPEALS_PER_SOURCE,
        ),
    ),
    "Appeals per municipality where they happened, with population and per-10 000-residents rates.",
)

OVERDUE_LIST_MATCHES_HEADLINE = "the list holds exactly the overdue the headline counts"

KPI_OVERDUE_APPEALS_SUITE = mart_suite(
    "kpi_overdue_appeals",
    (
        totals_match(
            RECONCILES_WITH_FACTS,
            "select appeal_source as k, count(*) as total from {batch} t group by appeal_source",
            "select appeal_source as k, count(*) as total from marts.fct_appeals where is_overdue_open"
            " group by appeal_source",
        ),
        totals_match(
            OVERDUE_LIST_MATCHES_HEADLINE,
            "select appeal_source as k, count(*) as total from {batch} t group by appeal_source",
            "select appeal_source as k, sum(open_overdue_count) as total from marts.kpi_appeals"
            " group by appeal_source having sum(open_overdue_count) > 0",
        ),
    ),
    "Appeals open past their deadline, with the responsible body and the days overdue.",
)

KPI_OVERDUE_DECISIONS_SUITE = mart_suite(
    "kpi_overdue_decisions",
    (
        totals_match(
            OVERDUE_LIST_MATCHES_HEADLINE,
            "select month_start || '/' || organisation_key as k, count(*) as total from {batch} t"
            " group by month_start, organisation_key",
            "select month_start || '/' || organisation_key as k, sum(overdue_count) as total"
            " from marts.kpi_decision_discipline group by month_start, organisation_key"
            " having sum(overdue_count) > 0",
        ),
    ),
    "Поручения on control past their deadline with no execution mark, with executor and days overdue.",
)

KPI_AUTHORITY_RATING_SUITE = mart_suite(
    "kpi_authority_rating",
    (
        *non_negative("appeals_count", "decisions_due_count", "open_overdue_count"),
        not_above("answered_on_time_count", "answered_count"),
        not_above("rated_4_5_count", "rated_count"),
        not_above("decisions_on_time_count", "decisions_due_count"),
        no_rows(
            "a ranked body has a rank and only a ranked body has one",
            "select month_start, organisation_key, is_ranked, rank_in_kind from {batch}"
            " where is_ranked <> (rank_in_kind is not null)",
        ),
        totals_match(
            "appeals_count reconciles with kpi_appeals",
            "select month_start || '/' || organisation_key as k, appeals_count as total from {batch} t"
            " where appeals_count > 0",
            "select month_start || '/' || organisation_key as k, sum(appeals_count) as total"
            " from marts.kpi_appeals where organisation_key in (select organisation_key from"
            " marts.kpi_authority_rating) group by month_start, organisation_key"
            " having sum(appeals_count) > 0",
            "warning",
        ),
    ),
    "Rating of the region's bodies by month: component scores, composite 0–100 and rank.",
)

_BUCKETS = (
    "executed_on_time_count",
    "executed_late_count",
    "overdue_count",
    "not_due_count",
    "removed_count",
)

KPI_DECISION_DISCIPLINE_SUITE = mart_suite(
    "kpi_decision_discipline",
    (
        *non_negative("decisions_count", *_BUCKETS, "extended_count"),
        not_above("extended_count", "decisions_count"),
        no_rows(
            "buckets add up to decisions_count",
            f"select month_start, organisation_key, decisions_count from {{batch}}"
            f" where {' + '.join(_BUCKETS)} <> decisions_count",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select 'all' as k, sum(decisions_count) as total from {batch} t having count(*) > 0",
            "select 'all' as k, count(*) as total from marts.fct_decisions where is_counted"
            " having count(*) > 0",
        ),
    ),
    "Execution discipline of поручения on control (one per поручение) by month of the deadline in force"
    " and responsible executor.",
)

KPI_PROGRAMME_ACHIEVEMENT_SUITE = mart_suite(
    "kpi_programme_achievement",
    (
        *non_negative(
            "indicators_count",
            "band_high_count",
            "band_medium_count",
            "band_low_count",
            "indicators_at_risk_count",
            "degree_indicators_count",
            "forecast_indicators_count",
        ),
        not_above("degree_indicators_count", "indicators_count"),
        not_above("achievement_degree_sum", "degree_indicators_count"),
        not_above("band_high_count + band_medium_count + band_low_count", "indicators_count"),
        not_above("indicators_at_risk_count", "indicators_count"),
        totals_match(
            "programmes reconcile with the facts",
            "select year || '/' || programme_key as k, 1 as total from {batch} t"
            " group by year, programme_key",
            "select extract(year from period_start)::int || '/' || programme_key as k, 1 as total"
            " from marts.fct_indicator_values group by 1",
            "warning",
        ),
    ),
    "Achievement of state programmes by year, ministry and programme.",
)

KPI_INDICATOR_PROGRESS_SUITE = mart_suite(
    "kpi_indicator_progress",
    (
        no_rows(
            "period_end >= period_start",
            "select indicator_code, period_start, period_end from {batch} where period_end < period_start",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select 'all' as k, count(*) as total from {batch} t having count(*) > 0",
            "select 'all' as k, count(*) as total from marts.fct_indicator_values having count(*) > 0",
        ),
    ),
    "Indicator values by period (latest submission) with achievement and forecast.",
)

KPI_CONFLICT_SIGNALS_SUITE = mart_suite(
    "kpi_conflict_signals",
    (
        *non_negative("baseline_mean", "baseline_stddev"),
        no_rows(
            "week_start is a Monday",
            "select distinct week_start from {batch} where extract(isodow from week_start) <> 1",
        ),
        no_rows(
            "a spike is above its baseline",
            "select week_start, sector_code, municipality_key, z_score from {batch}"
            " where is_spike and (z_score is null or z_score <= 0 or appeals_count <= baseline_mean)",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select 'all' as k, sum(appeals_count) as total from {batch} t having count(*) > 0",
            "select 'all' as k, count(*) as total from marts.fct_appeals having count(*) > 0",
            "warning",
        ),
    ),
    "Weekly appeal counts by sector and municipality against their baseline: conflict signals.",
)

KPI_APPEALS_WEEKLY_SUITE = mart_suite(
    "kpi_appeals_weekly",
    (
        *shares("on_time_target_share", "rating_target_share"),
        *non_negative(
            "answered_count",
            "answered_on_time_count",
            "due_count",
            "rated_count",
            "rated_4_5_count",
            "repeat_count",
            "open_overdue_count",
        ),
        *(
            not_above(c, "appeals_count")
            for c in ("answered_count", "due_count", "rated_count", "repeat_count", "open_overdue_count")
        ),
        not_above("rated_4_5_count", "rated_count"),
        not_above("answered_on_time_count", "due_count"),
        no_rows(
            "week_start is a Monday",
            "select distinct week_start from {batch} where extract(isodow from week_start) <> 1",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select sector_code as k, sum(appeals_count) as total from {batch} t group by sector_code",
            "select sector_code as k, count(*) as total from marts.fct_appeals group by sector_code",
        ),
    ),
    "Appeal KPIs per ISO week and sector (the briefing pack's weekly grain).",
)

KPI_SOURCE_LOADS_SUITE = mart_suite(
    "kpi_source_loads",
    (
        *non_negative("rows_read", "rows_loaded", "rows_quarantined"),
        no_rows(
            "rows_read = rows_loaded + rows_quarantined",
            "select batch_id, rows_read, rows_loaded, rows_quarantined from {batch}"
            " where status = 'loaded' and rows_read <> rows_loaded + rows_quarantined",
        ),
        totals_match(
            "batches reconcile with raw",
            "select status as k, count(*) as total from {batch} t group by status",
            "select status as k, count(*) as total from raw.load_batches group by status",
        ),
        totals_match(
            "quarantined rows reconcile with raw",
            "select source as k, sum(rows_quarantined) as total from {batch} t"
            " where status = 'loaded' group by source having sum(rows_quarantined) > 0",
            "select b.source as k, count(*) as total from raw.quarantine q"
            " join raw.load_batches b on b.batch_id = q.batch_id where b.status = 'loaded' group by b.source",
        ),
    ),
    "Load batches with their counts and share quarantined (data quality dashboard).",
)

KPI_DATA_FRESHNESS_SUITE = mart_suite(
    "kpi_data_freshness",
    (
        *non_negative("batches_count", "rows_loaded", "rows_quarantined"),
        no_rows(
            "last_loaded_at is not in the future",
            "select source, last_loaded_at from {batch} where last_loaded_at > now() + interval '5 minutes'",
        ),
        totals_match(
            "loaded rows reconcile with raw",
            "select source as k, rows_loaded as total from {batch} t where rows_loaded > 0",
            "select source as k, sum(rows_loaded) as total from raw.load_batches where status = 'loaded'"
            " group by source having sum(rows_loaded) > 0",
        ),
    ),
    "Freshness per source: batches, last load, the latest business date in the data.",
)

# ---- satisfaction surveys and polls ---------------------------------------------------------------

FCT_POLL_ANSWERS_SUITE = mart_suite(
    "fct_poll_answers",
    (
        totals_match(
            RECONCILES_WITH_RAW,
            "select poll_code as k, count(*) as total from {batch} t group by poll_code",
            "select trim(poll_code) as k, count(distinct (trim(respondent_id), trim(question_code)))"
            " as total from raw.poll_answers group by trim(poll_code)",
        ),
    ),
    "Poll answers: one row per anonymous respondent per question, with municipality, sex, age, weight.",
)

KPI_POLL_RESULTS_SUITE = mart_suite(
    "kpi_poll_results",
    (
        not_above("option_respondents_count", "respondents_count"),
        no_rows(
            "shares of a question's options add up to 1",
            "select poll_code, question_code, sum(share) from {batch}"
            " group by poll_code, question_code having abs(sum(share) - 1) > 0.001",
        ),
        no_rows(
            "share lies within its interval",
            "select poll_code, question_code, option_code from {batch}"
            " where share < share_low or share > share_high",
        ),
        no_rows(
            "effective base is at most the respondents",
            "select poll_code, question_code from {batch} where effective_base > respondents_count + 0.01",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select poll_code || '/' || question_code as k, sum(option_respondents_count) as total"
            " from {batch} t group by poll_code, question_code",
            "select poll_code || '/' || question_code as k, count(*) as total from marts.fct_poll_answers"
            " group by poll_code, question_code",
        ),
    ),
    "Poll results: weighted share per option with its 95 % margin of error (Kish's effective base).",
)

KPI_SATISFACTION_SUITE = mart_suite(
    "kpi_satisfaction",
    (
        *non_negative("answered_count", "rated_count", "rating_sum"),
        not_above("rated_4_5_count", "rated_count"),
        not_above("rated_1_2_count", "rated_count"),
        no_rows(
            "the ratings sum lies within 1..5 per rating",
            "select month_start, organisation_key from {batch}"
            " where rating_sum < rated_count or rating_sum > 5 * rated_count",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select appeal_source as k, sum(rated_count) as total from {batch} t group by appeal_source",
            "select appeal_source as k, count(rating) as total from marts.fct_appeals group by appeal_source",
        ),
        totals_match(
            "4–5 ratings reconcile with kpi_appeals",
            "select month_start || '/' || organisation_key as k, sum(rated_4_5_count) as total"
            " from {batch} t group by month_start, organisation_key",
            "select month_start || '/' || organisation_key as k, sum(rated_4_5_count) as total"
            " from marts.kpi_appeals group by month_start, organisation_key",
        ),
    ),
    "Satisfaction with the answers: ratings by month, source, body and sector.",
)

# ---- official pages (госпаблики) -----------------------------------------------------------------

PAGES_WITHOUT_BODY = "every registered page is listed once"

FCT_PAGE_ACTIVITY_SUITE = mart_suite(
    "fct_page_activity",
    (
        *non_negative("followers"),
        not_above("comments_answered", "comments"),
        totals_match(
            RECONCILES_WITH_RAW,
            "select page_url as k, count(*) as total from {batch} t group by page_url",
            "select trim(page_url) as k, count(distinct week_start) as total from raw.page_activity"
            " group by trim(page_url)",
        ),
    ),
    "Weekly activity of the bodies' official pages, with the body and the network.",
)

KPI_PAGE_ACTIVITY_SUITE = mart_suite(
    "kpi_page_activity",
    (
        not_above("comments_answered", "comments"),
        no_rows(
            "share_answered is null exactly when there is no comment",
            "select page_url, week_start from {batch} where (share_answered is null) <> (comments = 0)",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select network_code as k, sum(comments) as total from {batch} t group by network_code",
            "select network_code as k, sum(comments) as total from marts.fct_page_activity"
            " group by network_code",
        ),
    ),
    "Weekly activity of official pages by body and sector, with the share of comments answered.",
)

KPI_OFFICIAL_PAGES_SUITE = mart_suite(
    "kpi_official_pages",
    (
        not_above("comments_answered", "comments"),
        no_rows(
            "a row without a page is an obliged body's",
            "select organisation_key, network_code from {batch} where not has_page and not is_obliged",
        ),
        no_rows(
            "only a page can be silent",
            "select organisation_key, network_code from {batch} where is_silent and not has_page",
        ),
        no_rows(
            "a body without any page has no page here",
            "select organisation_key, network_code from {batch} where has_page and not has_any_page",
        ),
        totals_match(
            PAGES_WITHOUT_BODY,
            "select network_code as k, count(page_url) as total from {batch} t group by network_code",
            "select case network when 'ВКонтакте' then 'vk' else 'ok' end as k, count(*) as total"
            " from raw.page_register where batch_id = (select max(batch_id) from raw.page_register)"
            " group by 1",
        ),
    ),
    "Official pages as of the data's date: bodies without a page, silent pages, comments answered.",
)

MART_SUITES: tuple[SuiteSpec, ...] = (
    FCT_APPEALS_SUITE,
    FCT_DECISIONS_SUITE,
    FCT_INDICATOR_VALUES_SUITE,
    KPI_APPEALS_SUITE,
    KPI_APPEALS_HEADLINE_SUITE,
    KPI_APPEALS_MONTHLY_SUITE,
    KPI_AUTHORITY_RATING_SUITE,
    KPI_MUNICIPALITY_APPEALS_SUITE,
    KPI_OVERDUE_APPEALS_SUITE,
    KPI_OVERDUE_DECISIONS_SUITE,
    KPI_DECISION_DISCIPLINE_SUITE,
    KPI_PROGRAMME_ACHIEVEMENT_SUITE,
    KPI_INDICATOR_PROGRESS_SUITE,
    KPI_CONFLICT_SIGNALS_SUITE,
    KPI_APPEALS_WEEKLY_SUITE,
    KPI_SOURCE_LOADS_SUITE,
    KPI_DATA_FRESHNESS_SUITE,
    FCT_POLL_ANSWERS_SUITE,
    KPI_POLL_RESULTS_SUITE,
    KPI_SATISFACTION_SUITE,
    FCT_PAGE_ACTIVITY_SUITE,
    KPI_PAGE_ACTIVITY_SUITE,
    KPI_OFFICIAL_PAGES_SUITE,
)

# The latest business time each mart's data describes (timestamptz SQL, run on the warehouse).
_APPEALS_AS_OF = "select max(source_updated_at) from marts.fct_appeals"
_DECISIONS_AS_OF = "select max(exported_at) from marts.fct_decisions"
_INDICATORS_AS_OF = "select max(submitted_at)::timestamptz from marts.fct_indicator_values"
_LOADS_AS_OF = "select max(finished_at) from raw.load_batches where status = 'loaded'"
_POLLS_AS_OF = "select max(fieldwork_end)::timestamptz from marts.fct_poll_answers"
_PAGES_AS_OF = "select max(week_end)::timestamptz from marts.fct_page_activity"

DATA_AS_OF: dict[str, str] = {
    "fct_appeals": _APPEALS_AS_OF,
    "kpi_appeals": _APPEALS_AS_OF,
    "kpi_appeals_headline": _APPEALS_AS_OF,
    "kpi_appeals_monthly": _APPEALS_AS_OF,
    "kpi_conflict_signals": _APPEALS_AS_OF,
    "kpi_municipality_appeals": _APPEALS_AS_OF,
    "kpi_overdue_appeals": _APPEALS_AS_OF,
    "kpi_overdue_decisions": _DECISIONS_AS_OF,
    "kpi_appeals_weekly": _APPEALS_AS_OF,
    "kpi_authority_rating": f"select greatest(({_APPEALS_AS_OF}), ({_DECISIONS_AS_OF}))",
    "fct_decisions": _DECISIONS_AS_OF,
    "kpi_decision_discipline": _DECISIONS_AS_OF,
    "fct_indicator_values": _INDICATORS_AS_OF,
    "kpi_programme_achievement": _INDICATORS_AS_OF,
    "kpi_indicator_progress": _INDICATORS_AS_OF,
    "kpi_source_loads": _LOADS_AS_OF,
    "kpi_data_freshness": _LOADS_AS_OF,
    "fct_poll_answers": _POLLS_AS_OF,
    "kpi_poll_results": _POLLS_AS_OF,
    "kpi_satisfaction": _APPEALS_AS_OF,
    "fct_page_activity": _PAGES_AS_OF,
    "kpi_page_activity": _PAGES_AS_OF,
    "kpi_official_pages": _PAGES_AS_OF,
}
