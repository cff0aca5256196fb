-- ПОС appeals and Инцидент Менеджмент incidents in one shape, one row per appeal, with the keys of
-- the star schema resolved (channel, topic, sector, municipality, organisation) and the fields the
-- appeal facts derive from. Row-wise only (no window over all appeals).
--
-- Resolution rules:
--   topic         ПОС subcategory / IM «Тема» -> int_topics__mapped ('unknown' when blank)
--   sector        the topic's sector ('undefined' when the topic has none)
--   municipality  ПОС OrganizationInfo.Oktmo; IM «Муниципалитет» by full or short name; else 'unknown'
--   organisation  ПОС by INN (else by name); IM «Отдел» by name; else 'unknown'
--   channel       'pos', or 'im_<network>' from IM «Социальная сеть» ('im_other' when not known)
--   person_key    ПОС applicant_key, IM author_key (both keyed pseudonyms from staging)
--   appeal kind   ПОС: the export's AppealKind / «Вид обращения» ('appeal' = 59-ФЗ обращение,
--                 'message' = ПОС сообщение), var pos_default_appeal_kind when the export says
--                 nothing; IM: 'incident'
--   first response ПОС: the FIRST SEND_RESPONSE event of the history (AnswerAt is the latest answer:
--                 an appeal answered twice keeps its first answer time); AnswerAt only when the
--                 export has no history (the CSV report)
--   extension     ПОС: the first POSTPONE event (whether it moves the deadline is decided in
--                 int_appeals__response_times)
--   SLA start     IM: «Время назначения последнего исполнителя» (assigned_at), with the platform's own
--                 verdict «Уложились или нет после назн. ПИ» kept as platform_on_time
--   rating        the response survey (stg_surveys__ratings: the latest rating by rating time of the
--                 appeal), never the appeal export
--   address_key   the address with runs of blanks and punctuation collapsed (ПОС Location.Address;
--                 IM locality, street, house when street and house are given)
--
-- Incremental (merge on appeal_source + source_appeal_id): a row depends only on the appeal's own raw
-- rows (its exports, their status history, its survey ratings) and on reference seeds, so a run
-- recomputes only the appeals that have a raw row in a load batch newer than any earlier run had seen
-- (ПОС appeals and events, IM incidents, survey ratings), applying the staging rules
-- (macros/staging_appeals.sql) to those appeals' raw rows only, never the staging views over every
-- export. A changed reference seed (topics, organisations, municipalities) needs a full refresh (the
-- full_refresh job); assert_int_appeals__unioned_matches_full_refresh proves the table equal to the
-- full-refresh logic. Two bookkeeping columns serve the incremental marts downstream (the months and
-- weeks to recompute): merged_at, the start of the dbt run that last computed the row, and
-- previous_created_at, the creation time the table held before that run (an appeal whose later export
-- moved its creation date touches its old month too); a third is the watermark: merged_through_batch_id,
-- the newest batch of the four raw tables when the row was computed.
--
-- An incremental run plans with hash joins (macros/planner.sql): the narrowed staging CTEs are
-- estimated at a row or two, and a nested loop re-ran the events' aggregate per appeal (50 s at 20k).
-- The changed appeals' raw rows are read through the raw tables' lookup index on the appeal id
-- (ingestion/schemas.py), not a scan of every export (macro in_subquery).
-- A table: the staging views' row estimates (windows over every export) mislead the planner into
-- nested loops downstream; a table gives true statistics. Its indexes serve the incremental models:
-- the appeals of a batch or of the latest run, and the repeat partners of the changed appeals by
-- source, topic and person or address. Being merged, not rebuilt, it no longer drops the views on it
-- (int_appeals__*) in a daily run.
-- depends_on: {{ source('pos', 'pos_appeals') }}
-- depends_on: {{ source('pos', 'pos_appeal_events') }}
-- depends_on: {{ source('im', 'im_incidents') }}
-- depends_on: {{ source('surveys', 'survey_ratings') }}
{{ config(
    materialized='incremental',
    unique_key=['appeal_source', 'source_appeal_id'],
    incremental_strategy='merge',
    on_schema_change='fail',
    indexes=[
        {'columns': ['appeal_source', 'source_appeal_id'], 'unique': True},
        {'columns': ['appeal_source', 'batch_id']},
        {'columns': ['merged_at']},
        {'columns': ['appeal_source', 'topic_key', 'person_key', 'created_at']},
        {'columns': ['appeal_source', 'topic_key', 'address_key', 'created_at']},
    ],
    pre_hook="{{ prefer_hash_joins() if is_incremental() }}",
    post_hook="{{ analyze_table(this) }}",
) }}

with

{% if is_incremental() %}
    {%- set changed_pos = "select changed_ids.appeal_id from changed_ids"
        ~ " where changed_ids.appeal_source = 'pos'" %}
    {%- set changed_im = "select changed_ids.appeal_id from changed_ids"
        ~ " where changed_ids.appeal_source = 'im'" %}

    watermark as (

        -- the newest raw batch any earlier run had read (batch ids are one sequence over every
        -- source): not the newest batch of an appeal's own rows, which a later batch of survey
        -- ratings would leave behind, re-merging its appeals every run
        select coalesce(max(merged_through_batch_id), -1) as batch_id from {{ this }}

    ),

    appeal_sources as (

        select 'pos' as appeal_source
        union all
        select 'im' as appeal_source

    ),

    changed_ids as (

        select
            'pos' as appeal_source,
            appeal_id
        from {{ source('pos', 'pos_appeals') }}
        where batch_id > (select watermark.batch_id from watermark)
        union
        select
            'pos' as appeal_source,
            appeal_id
        from {{ source('pos', 'pos_appeal_events') }}
        where batch_id > (select watermark.batch_id from watermark)
        union
        select
            'im' as appeal_source,
            incident_id as appeal_id
        from {{ source('im', 'im_incidents') }}
        where batch_id > (select watermark.batch_id from watermark)
        union
        -- a new rating: the appeal of either system with that id (staging decides the system)
        select
            appeal_sources.appeal_source,
            ratings.appeal_id
        from {{ source('surveys', 'survey_ratings') }} as ratings
        cross join appeal_sources
        where ratings.batch_id > (select watermark.batch_id from watermark)

    ),

    raw_pos_appeals as (

        select * from {{ source('pos', 'pos_appeals') }}
        where {{ in_subquery('appeal_id', changed_pos) }}

    ),

    raw_pos_events as (

        select * from {{ source('pos', 'pos_appeal_events') }}
        where {{ in_subquery('appeal_id', changed_pos) }}

    ),

    raw_im_incidents as (

        select * from {{ source('im', 'im_incidents') }}
        where {{ in_subquery('incident_id', changed_im) }}

    ),

    raw_survey_ratings as (

        select * from {{ source('surveys', 'survey_ratings') }}
        where {{ in_subquery('appeal_id', 'select changed_ids.appeal_id from changed_ids') }}

    ),

    input_pos_appeals as (
        {{ stg_pos_appeals('raw_pos_appeals') }}
    ),

    input_pos_events as (
        {{ stg_pos_appeal_events('raw_pos_events', 'raw_pos_appeals') }}
    ),

    input_im_incidents as (
        {{ stg_im_incidents('raw_im_incidents') }}
    ),

    input_survey_ratings as (
        {{ stg_surveys_ratings('raw_survey_ratings') }}
    ),

{% else %}

    input_pos_appeals as (

        select * from {{ ref('stg_pos__appeals') }}

    ),

    input_pos_events as (

        select * from {{ ref('stg_pos__appeal_events') }}

    ),

    input_im_incidents as (

        select * from {{ ref('stg_im__incidents') }}

    ),

    input_survey_ratings as (

        select * from {{ ref('stg_surveys__ratings') }}

    ),

{% endif %}

unioned as (
    {{ appeals_unioned('input_pos_appeals', 'input_pos_events', 'input_im_incidents', 'input_survey_ratings') }}
),

with_previous as (

    {% if is_incremental() -%}
        select
            unioned.*,
            previous.created_at as previous_created_at
        from unioned
        left join {{ this }} as previous
            on
                unioned.appeal_source = previous.appeal_source
                and unioned.source_appeal_id = previous.source_appeal_id
    {%- else -%}
        select
            *,
            cast(null as {{ type_timestamptz() }}) as previous_created_at
        from unioned
    {%- endif %}

),

seen as (

    -- the newest batch of the raw rows this run could read (in the same snapshot; each max is one
    -- step of the table's batch index)
    select coalesce(max(newest.batch_id), -1) as batch_id
    from (
        select max(batch_id) as batch_id from {{ source('pos', 'pos_appeals') }}
        union all
        select max(batch_id) as batch_id from {{ source('pos', 'pos_appeal_events') }}
        union all
        select max(batch_id) as batch_id from {{ source('im', 'im_incidents') }}
        union all
        select max(batch_id) as batch_id from {{ source('surveys', 'survey_ratings') }}
    ) as newest

),

final as (

    select
        with_previous.*,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as merged_at,
        seen.batch_id as merged_through_batch_id
    from with_previous
    cross join seen

)

select * from final
