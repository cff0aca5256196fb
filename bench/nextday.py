"""The next day's exports for the incremental benchmark, written straight into the raw layer.

After a full build, ``add_next_day`` adds one batch per appeal source (ПОС, Инцидент Менеджмент, the
EDMS's written appeals) as the loader would have recorded it, in the shapes the generator writes:

- **new appeals**: ``new_share`` of the appeals (1 % by default), created during the day after the
  newest appeal, each a copy of an existing appeal's applicant, topic, place and body (so some are
  repeats of it) under a new id, still on moderation (ПОС, one MODERATION_NEW event) or open (IM);
- **late updates**: ``update_share`` of the appeals (0.2 %), chosen among the open ones, exported
  again with their whole history in the new batch plus one late event: half are answered
  (SEND_RESPONSE, the incident finished), the other ПОС half postponed (POSTPONE: the deadline of a
  59-ФЗ обращение moves by 30 days when in time);
- **written appeals**: as many new cards and open cards exported again, half answered, half extended.

It works at any size in a few seconds (set-based SQL), which regenerating and reloading the files
(`cur data generate --months 13` changes every month's file) would not. The rows are copies of real
generated rows, so dbt sees the same value shapes; the loader itself is measured by the load phases.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

_NEW_POS = """
with latest as (
    select distinct on (appeal_id) *
    from raw.pos_appeals
    order by appeal_id, batch_id desc, source_row desc
), picked as (
    select latest.*, row_number() over (order by md5(appeal_id::text)) as n
    from latest
), top as (select max(appeal_id) as max_id, max(created_at) as as_of from raw.pos_appeals)
insert into raw.pos_appeals (
    batch_id, source_row, appeal_id, pos_id, applicant_epgu_id, applicant_surname, applicant_name,
    applicant_patronymic, applicant_email, applicant_phone, description, subject_id, subject_name,
    subsubject_id, subsubject_name, location_address, location_latitude, location_longitude, org_name,
    org_address, org_inn, org_kpp, org_ogrn, org_oktmo, created_at, status, status_text, answer_at,
    rating, appeal_kind, source_format, extras)
select
    %(batch)s, n, top.max_id + n, 'BENCH-' || (top.max_id + n), applicant_epgu_id, applicant_surname,
    applicant_name, applicant_patronymic, applicant_email, applicant_phone, description, subject_id,
    subject_name, subsubject_id, subsubject_name, location_address, location_latitude,
    location_longitude, org_name, org_address, org_inn, org_kpp, org_ogrn, org_oktmo,
    top.as_of + n * interval '1 day' / %(count)s, 'MODERATION_NEW', 'Новое обращение, на модерации',
    null, null, appeal_kind, source_format, extras
from picked cross join top
where n <= %(count)s
"""

_NEW_POS_EVENTS = """
insert into raw.pos_appeal_events (batch_id, source_row, appeal_id, event_seq, status, status_text,
    created_at, created_by)
select batch_id, source_row, appeal_id, 1, 'MODERATION_NEW', 'Новое обращение, на модерации',
    created_at, 'Система'
from raw.pos_appeals where batch_id = %(batch)s
"""

_UPDATED_POS = """
with latest as (
    select distinct on (appeal_id) *
    from raw.pos_appeals
    where batch_id <> %(batch)s
    order by appeal_id, batch_id desc, source_row desc
), picked as (
    select latest.*, row_number() over (order by md5(appeal_id::text)) as n
    from latest
    where status not in ('SEND_RESPONSE', 'MODERATION_DECLINE')
), top as (select max(created_at) as as_of from raw.pos_appeals where batch_id <> %(batch)s)
insert into raw.pos_appeals (
    batch_id, source_row, appeal_id, pos_id, applicant_epgu_id, applicant_surname, applicant_name,
    applicant_patronymic, applicant_email, applicant_phone, description, subject_id, subject_name,
    subsubject_id, subsubject_name, location_address, location_latitude, location_longitude, org_name,
    org_address, org_inn, org_kpp, org_ogrn, org_oktmo, created_at, status, status_text, answer_at,
    rating, appeal_kind, source_format, extras)
select
    %(batch)s, %(offset)s + n, appeal_id, pos_id, applicant_epgu_id, applicant_surname, applicant_name,
    applicant_patronymic, applicant_email, applicant_phone, description, subject_id, subject_name,
    subsubject_id, subsubject_name, location_address, location_latitude, location_longitude, org_name,
    org_address, org_inn, org_kpp, org_ogrn, org_oktmo, created_at,
    case when n %% 2 = 0 then 'SEND_RESPONSE' else 'POSTPONE' end,
    case when n %% 2 = 0 then 'Дан ответ' else 'Срок рассмотрения продлён' end,
    case when n %% 2 = 0 then top.as_of + n * interval '1 day' / %(count)s end,
    rating, appeal_kind, source_format, extras
from picked cross join top
where n <= %(count)s
"""

_UPDATED_POS_EVENTS = """
with updated as (
    select appeal_id, source_row, status, status_text, coalesce(answer_at, created_at) as created_at,
        answer_at
    from raw.pos_appeals
    where batch_id = %(batch)s and source_row > %(offset)s
), history as (
    select distinct on (events.appeal_id, events.event_seq) events.*
    from raw.pos_appeal_events as events
    inner join updated on events.appeal_id = updated.appeal_id
    where events.batch_id <> %(batch)s
    order by events.appeal_id, events.event_seq, events.batch_id desc
), copied as (
    insert into raw.pos_appeal_events (batch_id, source_row, appeal_id, event_seq, status, status_text,
        created_at, created_by, answer_type, answer_comment, reject_reason, extras)
    select %(batch)s, updated.source_row, history.appeal_id, history.event_seq, history.status,
        history.status_text, history.created_at, history.created_by, history.answer_type,
        history.answer_comment, history.reject_reason, history.extras
    from history inner join updated on history.appeal_id = updated.appeal_id
    returning appeal_id, event_seq, created_at
), last_event as (
    select appeal_id, max(event_seq) as event_seq, max(created_at) as created_at
    from copied group by appeal_id
)
insert into raw.pos_appeal_events (batch_id, source_row, appeal_id, event_seq, status, status_text,
    created_at, created_by)
select %(batch)s, updated.source_row, updated.appeal_id, coalesce(last_event.event_seq, 0) + 1,
    updated.status, updated.status_text,
    greatest(
        coalesce(
            updated.answer_at,
            (select max(created_at) from raw.pos_appeals where batch_id <> %(batch)s)
        ),
        last_event.created_at + interval '1 minute'
    ),
    'Министерство'
from updated left join last_event on updated.appeal_id = last_event.appeal_id
"""

_NEW_IM = """
with latest as (
    select distinct on (incident_id) *
    from raw.im_incidents
    order by incident_id, batch_id desc, source_row desc
), picked as (
    select latest.*, row_number() over (order by md5(incident_id::text)) as n
    from latest
), top as (select max(incident_id) as max_id, max(created_at) as as_of from raw.im_incidents)
insert into raw.im_incidents
select
    %(batch)s, n, cabinet, top.max_id + n, 'BENCH-' || (top.max_id + n), department, executor,
    null, null, null, null, null, null, null, null, null, null, null, current_step,
    top.as_of + n * interval '1 day' / %(count)s, null, topic_group, topic, region, municipality,
    locality, street, house, object_old, object, incident_type, null, response_has_media,
    message_has_media, post_url, blog_url, incident_text, null, null, null, null, audience, engagement,
    author_url, response_account, tags, note, null, null, extras
from picked cross join top
where n <= %(count)s
"""

_UPDATED_IM = """
with latest as (
    select distinct on (incident_id) *
    from raw.im_incidents
    where batch_id <> %(batch)s
    order by incident_id, batch_id desc, source_row desc
), picked as (
    select latest.*, row_number() over (order by md5(incident_id::text)) as n
    from latest
    where finished_at is null
), top as (select max(created_at) as as_of from raw.im_incidents where batch_id <> %(batch)s)
insert into raw.im_incidents
select
    %(batch)s, %(offset)s + n, cabinet, incident_id, incident_number, department, executor,
    total_first_response_seconds, total_first_response_text, first_response_seconds,
    first_response_work_seconds, assigned_at,
    coalesce(first_response_at, greatest(top.as_of, created_at) + interval '2 hours'),
    assignment_response_seconds, on_time_after_assignment, total_duration_seconds, approval_sent_at,
    approval_seconds, current_step, created_at,
    greatest(top.as_of, created_at) + interval '3 hours', topic_group, topic, region, municipality,
    locality, street, house, object_old, object, incident_type, outcome, response_has_media,
    message_has_media, post_url, blog_url, incident_text, first_response_text, second_response_text,
    third_response_text, closing_reason, audience, engagement, author_url, response_account, tags,
    note, survey_step_at, survey_sent, extras
from picked cross join top
where n <= %(count)s
"""

# Written appeals (EDMS): new cards registered on the newest date, and open cards exported again,
# half answered (result and reply date), half extended (PROLONG_DATE within the term).
_WRITTEN = """
with latest as (
    select distinct on (isn_doc) *
    from raw.written_appeals
    where batch_id <> %(batch)s
    order by isn_doc, batch_id desc, source_row desc
), top as (
    select max(isn_doc) as max_id, max(doc_date) as as_of from raw.written_appeals where batch_id <> %(batch)s
), new_cards as (
    select latest.*, row_number() over (order by md5(isn_doc::text)) as n from latest
), open_cards as (
    select latest.*, row_number() over (order by md5(isn_doc::text)) as n
    from latest where reply_date is null and forward_date is null
), rows as (
    select top.max_id + n as isn_doc, 'BENCH-' || (top.max_id + n) as free_num, top.as_of as doc_date,
        delivery_type, citizen_surname, citizen_name, citizen_patronymic, citizen_email, citizen_phone,
        municipality, problem_address, rubric_code, annotat, executor_name, null::date as prolong_date,
        null as forward_to, null::date as forward_date, null as result, null::date as reply_date,
        upd_date, extras, n
    from new_cards cross join top where n <= %(new)s
    union all
    select isn_doc, free_num, doc_date, delivery_type, citizen_surname, citizen_name, citizen_patronymic,
        citizen_email, citizen_phone, municipality, problem_address, rubric_code, annotat, executor_name,
        case when n %% 2 = 1 then doc_date + 20 else prolong_date end,
        forward_to, forward_date,
        case when n %% 2 = 0 then 'разъяснено' else result end,
        case when n %% 2 = 0 then top.as_of end,
        upd_date, extras, %(new)s + n
    from open_cards cross join top where n <= %(updated)s
)
insert into raw.written_appeals (batch_id, source_row, isn_doc, free_num, doc_date, delivery_type,
    citizen_surname, citizen_name, citizen_patronymic, citizen_email, citizen_phone, municipality,
    problem_address, rubric_code, annotat, executor_name, prolong_date, forward_to, forward_date, result,
    reply_date, upd_date, extras)
select %(batch)s, n, isn_doc, free_num, doc_date, delivery_type, citizen_surname, citizen_name,
    citizen_patronymic, citizen_email, citizen_phone, municipality, problem_address, rubric_code, annotat,
    executor_name, prolong_date, forward_to, forward_date, result, reply_date, upd_date, extras
from rows
"""


@dataclass(frozen=True)
class NextDay:
    new_pos: int
    updated_pos: int
    new_im: int
    updated_im: int
    written: int = 0  # written appeals' cards in the EDMS batch: new and exported again

    @property
    def new(self) -> int:
        return self.new_pos + self.new_im

    @property
    def updated(self) -> int:
        return self.updated_pos + self.updated_im


def open_batch(conn: psycopg.Connection, source: str) -> int:
    row = conn.execute(
        """insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status,
               finished_at, notes)
           values (%s, %s, %s, encode(sha256(random()::text::bytea), 'hex'), 0, 'loading', clock_timestamp(),
               '{"bench": "next day"}')
           returning batch_id""",
        (source, f"bench_next_day_{source}", f"bench/next_day/{source}"),
    ).fetchone()
    assert row is not None
    return int(row[0])


def close_batch(conn: psycopg.Connection, batch: int, rows: int) -> None:
    conn.execute(
        "update raw.load_batches set status = 'loaded', rows_read = %s, rows_loaded = %s where batch_id = %s",
        (rows, rows, batch),
    )


def add_next_day(dsn: str, new_share: float = 0.01, update_share: float = 0.002) -> NextDay:
    """Add the next day's ПОС, IM and written-appeal batches (see the module's docstring); return the
    row counts."""
    with psycopg.connect(dsn) as conn:
        appeals = conn.execute("select count(distinct appeal_id) from raw.pos_appeals").fetchone()
        incidents = conn.execute("select count(distinct incident_id) from raw.im_incidents").fetchone()
        assert appeals is not None and incidents is not None
        n_pos, n_im = int(appeals[0]), int(incidents[0])

        batch = open_batch(conn, "pos")
        new_pos = max(1, round(n_pos * new_share))
        new_pos = conn.execute(_NEW_POS, {"batch": batch, "count": new_pos}).rowcount
        conn.execute(_NEW_POS_EVENTS, {"batch": batch})
        upd_pos = max(1, round(n_pos * update_share))
        upd_pos = conn.execute(_UPDATED_POS, {"batch": batch, "count": upd_pos, "offset": new_pos}).rowcount
        conn.execute(_UPDATED_POS_EVENTS, {"batch": batch, "offset": new_pos})
        close_batch(conn, batch, new_pos + upd_pos)

        batch = open_batch(conn, "im")
        new_im = max(1, round(n_im * new_share))
        new_im = conn.execute(_NEW_IM, {"batch": batch, "count": new_im}).rowcount
        upd_im = max(1, round(n_im * update_share))
        upd_im = conn.execute(_UPDATED_IM, {"batch": batch, "count": upd_im, "offset": new_im}).rowcount
        close_batch(conn, batch, new_im + upd_im)
        batch = open_batch(conn, "written")
        cards = conn.execute("select count(distinct isn_doc) from raw.written_appeals").fetchone()
        n_written = int(cards[0]) if cards else 0
        written = conn.execute(
            _WRITTEN,
            {
                "batch": batch,
                "new": max(1, round(n_written * new_share)),
                "updated": max(1, round(n_written * update_share)),
            },
        ).rowcount
        close_batch(conn, batch, written)
        conn.execute("analyze raw.written_appeals")
        conn.execute("analyze raw.pos_appeals")
        conn.execute("analyze raw.pos_appeal_events")
        conn.execute("analyze raw.im_incidents")
    return NextDay(new_pos, upd_pos, new_im, upd_im, written)
