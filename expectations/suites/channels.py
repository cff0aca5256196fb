"""Suites of the written appeals (59-ФЗ, EDMS) and the regional participation platform: their raw
tables, their facts and their KPI marts, including the all-channels view.

Raw: the checks derived from the table (ingestion/schemas.py) and the values the readers let through.
Facts: reconciliation with raw as staging deduplicates it (rows = distinct ids in raw), and the rules a
row must keep (an overdue appeal is open; an answer is not before the registration). KPI marts: totals
reconcile with the facts; the all-channels view reconciles per channel with the four facts, a matched
platform message is counted once, and unique problems never exceed appeals.
"""

from __future__ import annotations

from expectations.spec import Check, SuiteSpec, between, in_set, no_rows, not_before, unique_within
from expectations.suites.marts import (
    RECONCILES_WITH_FACTS,
    RECONCILES_WITH_RAW,
    mart_suite,
    not_above,
    totals_match,
)
from expectations.suites.raw import raw_table_suite
from ingestion.schemas import PLATFORM_MESSAGES, WRITTEN_APPEALS
from ingestion.sources.platform_messages import STATUSES
from ingestion.sources.written import RESULTS

# ---- raw ------------------------------------------------------------------------------------------

WRITTEN_APPEALS_SUITE = raw_table_suite(
    WRITTEN_APPEALS,
    "written",
    (
        unique_within("batch_id", "isn_doc"),
        in_set("result", RESULTS),
        in_set("delivery_type", ("Почта", "Лично", "Электронная форма"), severity="warning"),
        not_before("reply_date", "doc_date"),
        not_before("forward_date", "doc_date"),
        not_before("prolong_date", "doc_date"),
    ),
)

PLATFORM_MESSAGES_SUITE = raw_table_suite(
    PLATFORM_MESSAGES,
    "platform",
    (
        unique_within("batch_id", "item_id"),
        in_set("item_kind", tuple(STATUSES)),
        in_set("status", tuple(sorted({s for statuses in STATUSES.values() for s in statuses}))),
        not_before("forwarded_at", "created_at"),
        not_before("answered_at", "created_at"),
        between("votes", 0, None),
    ),
)

CHANNEL_RAW_SUITES: tuple[SuiteSpec, ...] = (WRITTEN_APPEALS_SUITE, PLATFORM_MESSAGES_SUITE)

# ---- facts ----------------------------------------------------------------------------------------

AN_OVERDUE_APPEAL_IS_OPEN = "an overdue appeal is open"
UNIQUE_NOT_ABOVE_APPEALS = "unique_problems_count <= appeals_count"
MATCHED_COUNTED_ONCE = "a platform message matched to ПОС is counted once"

FCT_WRITTEN_APPEALS_SUITE = mart_suite(
    "fct_written_appeals",
    (
        no_rows(
            AN_OVERDUE_APPEAL_IS_OPEN,
            "select appeal_id from {batch} where is_overdue_open and not is_open",
        ),
        not_before("answered_on", "registered_on"),
        not_before("effective_due_on", "due_on"),
        no_rows(
            "an extension adds 30 days once",
            "select appeal_id from {batch}"
            " where effective_due_on - due_on not in (0, 30) or (is_extended <> (effective_due_on > due_on))",
        ),
        totals_match(
            RECONCILES_WITH_RAW,
            "select 'written' as k, count(*) as total from {batch} t",
            "select 'written' as k, count(distinct isn_doc) as total from raw.written_appeals"
            " having count(*) > 0",
        ),
    ),
    "Written appeals (59-ФЗ) from the EDMS: one row per registration card.",
)

FCT_PLATFORM_MESSAGES_SUITE = mart_suite(
    "fct_platform_messages",
    (
        no_rows(
            "a matched message names an existing ПОС appeal of its number",
            "select t.item_id from {batch} t left join marts.fct_appeals a"
            " on a.appeal_source = 'pos' and a.source_appeal_id = t.pos_appeal_id"
            " where t.pos_match = 'matched' and (a.appeal_number is distinct from t.pos_number)",
        ),
        no_rows(
            "only a forwarded message can be matched",
            "select item_id from {batch} where is_counted_in_pos and not is_forwarded_to_pos",
        ),
        totals_match(
            RECONCILES_WITH_RAW,
            "select 'platform' as k, count(*) as total from {batch} t",
            "select 'platform' as k, count(distinct item_id) as total from raw.platform_messages"
            " having count(*) > 0",
        ),
    ),
    "Messages and initiatives of the regional participation platform: one row per item.",
)

# ---- KPI marts ------------------------------------------------------------------------------------

KPI_WRITTEN_APPEALS_SUITE = mart_suite(
    "kpi_written_appeals",
    (
        not_above("answered_on_time_count", "answered_count"),
        not_above("answered_count", "appeals_count"),
        not_above("forwarded_on_time_count", "forwarded_count"),
        not_above("open_overdue_count", "open_count"),
        not_above("unmapped_count", "appeals_count"),
        no_rows(
            "results add up to the answered",
            "select month_start, sector_code from {batch} where supported_count + measures_taken_count"
            " + explained_count + not_supported_count + left_unanswered_count > answered_count",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select 'written' as k, sum(appeals_count) as total from {batch} t",
            "select 'written' as k, count(*) as total from marts.fct_written_appeals having count(*) > 0",
        ),
    ),
    "Written appeals per month, sector, classifier section, executing body and municipality.",
)

KPI_PLATFORM_MESSAGES_SUITE = mart_suite(
    "kpi_platform_messages",
    (
        not_above("matched_to_pos_count", "forwarded_to_pos_count"),
        not_above("forwarded_to_pos_count", "items_count"),
        no_rows(
            "forwarded = matched + unmatched",
            "select month_start from {batch}"
            " where forwarded_to_pos_count <> matched_to_pos_count + unmatched_to_pos_count",
        ),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select 'platform' as k, sum(items_count) as total from {batch} t",
            "select 'platform' as k, count(*) as total from marts.fct_platform_messages having count(*) > 0",
        ),
    ),
    "Platform messages and initiatives with their statuses and the match of forwarded ones to ПОС.",
)

_ALL_CHANNEL_FACTS = (
    "select case appeal_source when 'pos' then 'pos' else 'social' end as k, count(*) as total"
    " from marts.fct_appeals group by 1"
    " union all select 'written', count(*) from marts.fct_written_appeals having count(*) > 0"
    " union all select 'platform', count(*) from marts.fct_platform_messages where not is_counted_in_pos"
    " having count(*) > 0"
)

KPI_APPEALS_ALL_CHANNELS_SUITE = mart_suite(
    "kpi_appeals_all_channels",
    (
        not_above("unique_problems_count", "appeals_count"),
        totals_match(
            RECONCILES_WITH_FACTS,
            "select channel_group as k, sum(appeals_count) as total from {batch} t group by channel_group",
            _ALL_CHANNEL_FACTS,
        ),
        totals_match(
            MATCHED_COUNTED_ONCE,
            "select 'matched' as k, sum(matched_elsewhere_count) as total from {batch} t"
            " having sum(matched_elsewhere_count) > 0",
            "select 'matched' as k, count(*) as total from marts.fct_platform_messages"
            " where is_counted_in_pos having count(*) > 0",
        ),
    ),
    "All channels per month, sector and channel, with unique problems across channels.",
)

CHANNEL_MART_SUITES: tuple[SuiteSpec, ...] = (
    FCT_WRITTEN_APPEALS_SUITE,
    FCT_PLATFORM_MESSAGES_SUITE,
    KPI_WRITTEN_APPEALS_SUITE,
    KPI_PLATFORM_MESSAGES_SUITE,
    KPI_APPEALS_ALL_CHANNELS_SUITE,
)

_WRITTEN_AS_OF = "select max(as_of_date)::timestamptz from marts.fct_written_appeals"
_PLATFORM_AS_OF = (
    "select max(greatest(created_at, forwarded_at, answered_at)) from marts.fct_platform_messages"
)

CHANNEL_DATA_AS_OF: dict[str, str] = {
    "fct_written_appeals": _WRITTEN_AS_OF,
    "kpi_written_appeals": _WRITTEN_AS_OF,
    "fct_platform_messages": _PLATFORM_AS_OF,
    "kpi_platform_messages": _PLATFORM_AS_OF,
    "kpi_appeals_all_channels": "select greatest((select max(source_updated_at) from marts.fct_appeals),"
    f" ({_WRITTEN_AS_OF}), ({_PLATFORM_AS_OF}))",
}

__all__ = ["CHANNEL_DATA_AS_OF", "CHANNEL_MART_SUITES", "CHANNEL_RAW_SUITES", "Check"]
