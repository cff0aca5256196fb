"""Suites of the raw layer: one per raw table, plus the control tables ``load_batches`` and ``quarantine``.

Every raw table gets, from its definition in :mod:`ingestion.schemas` (the single source of truth):
exact column set, column types, not-null for ``batch_id``, ``source_row`` and the required columns,
and "every row belongs to a loaded batch of its source". Tables fed one row per file record also get
"rows per batch = ``rows_loaded`` of the batch". Then the rules of each source follow.

Severity: ``critical`` checks decide the suite; ``warning`` checks (value lists the domain guide
names but a real export may extend) are reported without failing it.
"""

from __future__ import annotations

from expectations.spec import (
    Check,
    SuiteSpec,
    between,
    column_types,
    columns_exactly,
    in_set,
    no_rows,
    non_negative,
    not_before,
    not_null,
    unique_within,
)
from ingestion.schemas import (
    DELO_DEPARTMENT,
    DELO_DOC_RC,
    DELO_REPLY,
    DELO_RESOLUTION,
    IM_INCIDENTS,
    INDICATOR_VALUES,
    PAGE_ACTIVITY,
    PAGE_REGISTER,
    POLL_ANSWERS,
    POS_APPEAL_EVENTS,
    POS_APPEALS,
    RAW_SCHEMA,
    SURVEY_RATINGS,
    Table,
)
from ingestion.sources import SOURCES
from ingestion.sources.pages import NETWORKS, REGISTER_PREFIX, VERIFIED_MARKS
from ingestion.sources.polls import AGE_GROUPS as POLL_AGE_GROUPS
from ingestion.sources.polls import FILE_PREFIX as POLL_PREFIX
from ingestion.sources.polls import MODES as POLL_MODES
from ingestion.sources.polls import SEXES as POLL_SEXES

POS_STATUSES = (
    "MODERATION_NEW",
    "MODERATION_ACCEPT",
    "MODERATION_DECLINE",
    "FORWARD_TO_PARENT",
    "FORWARD_TO_SUBORDINATE",
    "TAKE_TO_WORK",
    "SET_EXECUTOR",
    "POSTPONE",
    "SEND_RESPONSE",
)
RATINGS = (1, 5)
# Khakassia with a margin (the republic spans about 51-55.5 N, 87.5-92 E).
LATITUDE = (49, 57)
LONGITUDE = (85, 95)
INDICATOR_DIRECTIONS = ("Возрастающий", "Убывающий")
PERIOD_TYPES = ("Месяц", "Квартал", "Год")
BATCH_STATUSES = ("loading", "loaded", "failed", "rejected")
YES_NO = ("Да", "Нет")

# The checks' names, for results and tests.
ROWS_MATCH_BATCH = "rows per batch = rows_loaded"
ROWS_IN_LOADED_BATCH = "rows belong to a loaded batch of the source"


def rows_in_loaded_batch(source: str) -> Check:
    """No row whose batch is missing, not ``loaded`` (a failed load leaves nothing) or of another source."""
    return no_rows(
        ROWS_IN_LOADED_BATCH,
        "select t.batch_id, t.source_row, b.status, b.source from {batch} t"
        " left join raw.load_batches b on b.batch_id = t.batch_id"
        f" where b.batch_id is null or b.status <> 'loaded' or b.source <> '{source}'",
        whole_table=True,
    )


def rows_match_batch(source: str, file_suffix: str | None = None, file_like: str | None = None) -> Check:
    """For every loaded batch of the source (and file kind: by the name's suffix, or its ``ilike``
    pattern), rows in the table = ``rows_loaded``."""
    suffix = f" and b.file_name ilike '%\\_{file_suffix}'" if file_suffix else ""
    if file_like:
        suffix += f" and b.file_name ilike '{file_like}'"
    return no_rows(
        ROWS_MATCH_BATCH,
        "select b.batch_id, b.file_name, b.rows_loaded, count(t.batch_id) as rows_in_table"
        " from raw.load_batches b left join {batch} t on t.batch_id = b.batch_id"
        f" where b.status = 'loaded' and b.source = '{source}'{suffix}"
        " group by b.batch_id, b.file_name, b.rows_loaded having count(t.batch_id) <> b.rows_loaded",
        whole_table=True,
    )


def raw_table_suite(
    table: Table,
    source: str,
    checks: tuple[Check, ...],
    *,
    one_row_per_record: str | bool = True,
    file_like: str | None = None,
) -> SuiteSpec:
    """The suite of a raw table: the checks derived from its definition, then ``checks``.

    ``one_row_per_record``: True when every loaded record of the source gives one row here; a file
    suffix (``resolution.csv``) when only the source's files of that kind feed the table; False when
    the table is not fed one row per record (then there is no row-count reconciliation). ``file_like``:
    the ``ilike`` pattern of the names of the files that feed it, when the family has several kinds.
    """
    columns = {"batch_id": "bigint", "source_row": "integer", **{c.name: c.pg_type for c in table.columns}}
    required = [c.name for c in table.columns if c.required]
    derived: list[Check] = [
        columns_exactly(list(columns)),
        column_types(f"{RAW_SCHEMA}.{table.name}", columns),
        *not_null("batch_id", "source_row", *required),
        between("source_row", 1, None),
        rows_in_loaded_batch(source),
    ]
    if one_row_per_record:
        suffix = one_row_per_record if isinstance(one_row_per_record, str) else None
        derived.append(rows_match_batch(source, suffix, file_like))
    return SuiteSpec(RAW_SCHEMA, table.name, (*derived, *checks), table.description, batch_source=source)


POS_APPEALS_SUITE = raw_table_suite(
    POS_APPEALS,
    "pos",
    (
        unique_within("batch_id", "appeal_id"),
        in_set("status", POS_STATUSES),
        between("rating", *RATINGS),
        between("location_latitude", *LATITUDE),
        between("location_longitude", *LONGITUDE),
        in_set("source_format", ("jsonl", "csv")),
        in_set("appeal_kind", ("обращение", "сообщение"), severity="warning"),
        not_before("answer_at", "created_at", severity="warning"),
    ),
)

POS_APPEAL_EVENTS_SUITE = raw_table_suite(
    POS_APPEAL_EVENTS,
    "pos",
    (
        unique_within("batch_id", "appeal_id", "event_seq"),
        between("event_seq", 1, None),
        in_set("status", POS_STATUSES),
        no_rows(
            "events belong to an appeal of the same batch",
            "select e.batch_id, e.appeal_id, e.event_seq from {batch} e left join raw.pos_appeals a"
            " on a.batch_id = e.batch_id and a.appeal_id = e.appeal_id where a.appeal_id is null",
        ),
    ),
    one_row_per_record=False,
)

IM_INCIDENTS_SUITE = raw_table_suite(
    IM_INCIDENTS,
    "im",
    (
        unique_within("batch_id", "incident_id"),
        *non_negative(
            "total_first_response_seconds",
            "first_response_seconds",
            "first_response_work_seconds",
            "total_duration_seconds",
            "assignment_response_seconds",
            "approval_seconds",
            "audience",
            "engagement",
        ),
        not_before("finished_at", "created_at", severity="warning"),
        in_set("incident_type", ("Решаемый", "Информационный"), severity="warning"),
        in_set("on_time_after_assignment", ("Да", "-"), severity="warning"),
        in_set("survey_sent", YES_NO, severity="warning"),
    ),
)

SURVEY_RATINGS_SUITE = raw_table_suite(
    SURVEY_RATINGS,
    "surveys",
    (
        in_set("appeal_system", ("ПОС", "Инцидент Менеджмент")),
        between("rating", *RATINGS),
    ),
    file_like="survey\\_ratings\\_%",
)

POLL_ANSWERS_SUITE = raw_table_suite(
    POLL_ANSWERS,
    "surveys",
    (
        in_set("sex", POLL_SEXES),
        in_set("age_group", POLL_AGE_GROUPS),
        in_set("poll_mode", POLL_MODES),
        no_rows("weight > 0", "select source_row, weight from {batch} where weight <= 0"),
        unique_within("batch_id", "poll_code", "respondent_id", "question_code"),
    ),
    file_like=POLL_PREFIX.replace("_", "\\_") + "%",
)

PAGE_REGISTER_SUITE = raw_table_suite(
    PAGE_REGISTER,
    "pages",
    (
        unique_within("batch_id", "page_url"),
        in_set("network", tuple(NETWORKS)),
        in_set("verified_mark", VERIFIED_MARKS),
        no_rows(
            "page_url is on its network's site",
            "select source_row, network, page_url from {batch} where not ("
            " (network = 'ВКонтакте' and page_url ~* '^https?://(www\\.|m\\.)?vk\\.(com|ru)/.')"
            " or (network = 'Одноклассники' and page_url ~* '^https?://(www\\.|m\\.)?ok\\.ru/.'))",
        ),
    ),
    file_like=REGISTER_PREFIX.replace("_", "\\_") + "%",
)

PAGE_ACTIVITY_SUITE = raw_table_suite(
    PAGE_ACTIVITY,
    "pages",
    (
        unique_within("batch_id", "page_url", "week_start"),
        *non_negative("followers", "posts", "views", "reactions", "comments", "comments_answered"),
        no_rows(
            "comments_answered <= comments",
            "select source_row, comments, comments_answered from {batch} where comments_answered > comments",
        ),
        no_rows(
            "week_start is a Monday",
            "select source_row, week_start from {batch} where extract(isodow from week_start) <> 1",
        ),
    ),
    file_like="pages\\_activity\\_%",
)

DELO_DOC_RC_SUITE = raw_table_suite(
    DELO_DOC_RC,
    "delo",
    (unique_within("batch_id", "isn_doc"),),
    one_row_per_record="doc_rc.csv",
)

DELO_RESOLUTION_SUITE = raw_table_suite(
    DELO_RESOLUTION,
    "delo",
    (
        unique_within("batch_id", "isn_resolution"),
        in_set("control_state", (0, 1, 2), severity="warning"),
        not_before("fact_date", "resolution_date", severity="warning"),
    ),
    one_row_per_record="resolution.csv",
)

DELO_REPLY_SUITE = raw_table_suite(
    DELO_REPLY,
    "delo",
    (unique_within("batch_id", "isn_reply"), in_set("main_flag", (0, 1))),
    one_row_per_record="reply.csv",
)

DELO_DEPARTMENT_SUITE = raw_table_suite(
    DELO_DEPARTMENT,
    "delo",
    (unique_within("batch_id", "due"), in_set("is_node", (0, 1)), in_set("deleted", (0, 1))),
    one_row_per_record="department.csv",
)

INDICATOR_VALUES_SUITE = raw_table_suite(
    INDICATOR_VALUES,
    "indicators",
    (
        unique_within("batch_id", "submission_id", "indicator_code", "period_type", "period_start"),
        in_set("direction", INDICATOR_DIRECTIONS),
        in_set("period_type", PERIOD_TYPES),
        not_before("period_end", "period_start"),
    ),
)

_LOAD_BATCHES_COLUMNS = {
    "batch_id": "bigint",
    "source": "text",
    "file_name": "text",
    "file_path": "text",
    "content_hash": "text",
    "file_bytes": "bigint",
    "rows_read": "bigint",
    "rows_loaded": "bigint",
    "rows_quarantined": "bigint",
    "started_at": "timestamptz",
    "finished_at": "timestamptz",
    "status": "text",
    "error": "text",
    "unknown_columns": "text[]",
    "notes": "jsonb",
    "pii_purged_at": "timestamptz",  # set by the retention purge (ingestion/retention.py)
}

LOAD_BATCHES_SUITE = SuiteSpec(
    RAW_SCHEMA,
    "load_batches",
    (
        columns_exactly(list(_LOAD_BATCHES_COLUMNS)),
        column_types(f"{RAW_SCHEMA}.load_batches", _LOAD_BATCHES_COLUMNS),
        *not_null("batch_id", "source", "file_name", "content_hash", "status", "started_at"),
        unique_within("batch_id"),
        in_set("status", BATCH_STATUSES),
        in_set("source", SOURCES),
        *non_negative("file_bytes", "rows_read", "rows_loaded", "rows_quarantined"),
        no_rows(
            "rows_read = rows_loaded + rows_quarantined",
            "select batch_id, rows_read, rows_loaded, rows_quarantined from {batch}"
            " where rows_read <> rows_loaded + rows_quarantined",
        ),
        no_rows(
            "failed and rejected batches say why",
            "select batch_id, status from {batch} where status in ('failed', 'rejected') and error is null",
        ),
        no_rows(
            "finished batches have finished_at",
            "select batch_id, status from {batch} where status <> 'loading' and finished_at is null",
        ),
        not_before("finished_at", "started_at"),
        no_rows(
            "content_hash is a sha-256 hex digest",
            "select batch_id, content_hash from {batch} where content_hash !~ '^[0-9a-f]+$'"
            " or length(content_hash) <> 64",
        ),
    ),
    "Load batches: one row per landing file load attempt, with its counts and outcome.",
)

_QUARANTINE_COLUMNS = {
    "batch_id": "bigint",
    "source_row": "integer",
    "field": "text",
    "reason": "text",
    "raw_text": "text",
}

QUARANTINE_SUITE = SuiteSpec(
    RAW_SCHEMA,
    "quarantine",
    (
        columns_exactly(list(_QUARANTINE_COLUMNS)),
        column_types(f"{RAW_SCHEMA}.quarantine", _QUARANTINE_COLUMNS),
        *not_null("batch_id", "source_row", "reason"),
        between("source_row", 1, None),
        no_rows(
            "quarantined rows belong to a loaded batch",
            "select q.batch_id, q.source_row from {batch} q"
            " left join raw.load_batches b on b.batch_id = q.batch_id"
            " where b.batch_id is null or b.status <> 'loaded'",
        ),
        no_rows(
            "rows per batch = rows_quarantined",
            "select b.batch_id, b.file_name, b.rows_quarantined, count(q.batch_id) as rows_in_table"
            " from raw.load_batches b left join {batch} q on q.batch_id = b.batch_id"
            " where b.status = 'loaded'"
            " group by b.batch_id, b.file_name, b.rows_quarantined"
            " having count(q.batch_id) <> b.rows_quarantined",
        ),
    ),
    "Quarantine: source rows that could not be loaded, with the reason.",
)

RAW_SUITES: tuple[SuiteSpec, ...] = (
    LOAD_BATCHES_SUITE,
    QUARANTINE_SUITE,
    POS_APPEALS_SUITE,
    POS_APPEAL_EVENTS_SUITE,
    IM_INCIDENTS_SUITE,
    SURVEY_RATINGS_SUITE,
    POLL_ANSWERS_SUITE,
    PAGE_REGISTER_SUITE,
    PAGE_ACTIVITY_SUITE,
    DELO_DOC_RC_SUITE,
    DELO_RESOLUTION_SUITE,
    DELO_REPLY_SUITE,
    DELO_DEPARTMENT_SUITE,
    INDICATOR_VALUES_SUITE,
)
