-- One row per appeal: a ПОС appeal or an Инцидент Менеджмент incident (grain: appeal_source +
-- source_appeal_id). All rules live in int_appeals__final; this model only decides which rows to
-- (re)compute.
--
-- Incremental (merge on appeal_source + source_appeal_id). A run recomputes:
--   1. changed appeals: whose staged row comes from a batch newer than the newest batch of that
--      source already in the table (a new appeal, or a later export that changed its state: late
--      updates are merged over the old row);
--   2. their repeat partners: appeals of the same source and topic (new topic or the topic the table
--      held) with the same person or address, created from a day before to repeat_window_days + 2
--      days after a changed appeal (a superset of the appeals whose is_repeat it can change);
--   3. every appeal still open in the table: is_overdue_open and the on-time flags of open appeals
--      depend on the as-of time, which moves with every new export;
--   4. re-rated appeals: whose survey rating (stg_surveys__ratings, a source of its own, loaded in
--      batches of its own) differs from the one the table holds.
-- Closed appeals outside these sets cannot change: their columns depend only on their own row, on
-- the calendar and on earlier appeals. tests/assert_fct_appeals_matches_full_refresh.sql checks
-- that the table equals the full-refresh logic.
--
-- At scale (bench/, README "Scaling notes") an incremental run must not compute every appeal: the
-- full refresh selects from int_appeals__final (a view over all appeals), but the incremental run
-- first narrows int_appeals__unioned to the appeals to process and applies the same macros
-- (macros/appeal_facts.sql) to those rows only; earlier appeals are looked up for the repeat flags and
-- all appeals only for the as-of time. Repeat partners are found by equi-joins (topic and person,
-- topic and address, each on the new and on the previous topic) that hash or use the indexes of
-- int_appeals__unioned, never by one join with OR conditions.
-- depends_on: {{ ref('int_appeals__unioned') }}
-- depends_on: {{ ref('int_calendar__days') }}
-- depends_on: {{ ref('ref_municipalities') }}
-- depends_on: {{ ref('ref_organisations') }}
{{ config(
    materialized='incremental',
    unique_key=['appeal_source', 'source_appeal_id'],
    incremental_strategy='merge',
    on_schema_change='fail',
    indexes=[
        {'columns': ['appeal_source', 'source_appeal_id'], 'unique': True},
        {'columns': ['appeal_source', 'batch_id']},
    ],
    post_hook="{{ analyze_table(this) }}",
) }}

with

{% if not is_incremental() %}

    appeals as (

        select * from {{ ref('int_appeals__final') }}

    ),

{% else %}

    appeal_keys as (

        select
            appeal_source,
            source_appeal_id,
            topic_key,
            person_key,
            address_key,
            created_at,
            batch_id,
            rating
        from {{ ref('int_appeals__unioned') }}

    ),

    watermarks as (

        select
            appeal_source,
            max(batch_id) as max_batch_id
        from {{ this }}
        group by appeal_source

    ),

    changed as (

        select
            appeal_keys.*,
            previous.topic_key as previous_topic_key
        from appeal_keys
        left join watermarks
            on appeal_keys.appeal_source = watermarks.appeal_source
        left join {{ this }} as previous
            on
                appeal_keys.appeal_source = previous.appeal_source
                and appeal_keys.source_appeal_id = previous.source_appeal_id
        where appeal_keys.batch_id > coalesce(watermarks.max_batch_id, -1)

    ),

    changed_topics as (

        -- each changed appeal under its new topic and, when it had another, its previous one
        select
            appeal_source,
            topic_key,
            person_key,
            address_key,
            created_at
        from changed
        union
        select
            appeal_source,
            previous_topic_key as topic_key,
            person_key,
            address_key,
            created_at
        from changed
        where previous_topic_key is not null and previous_topic_key <> topic_key

    ),

    partners as (

        select
            partner.appeal_source,
            partner.source_appeal_id
        from {{ ref('int_appeals__unioned') }} as partner
        inner join changed_topics
            on
                partner.appeal_source = changed_topics.appeal_source
                and partner.topic_key = changed_topics.topic_key
                and partner.person_key = changed_topics.person_key
        where
            partner.created_at >= {{ dbt.dateadd('day', -1, 'changed_topics.created_at') }}
            and partner.created_at
            <= {{ dbt.dateadd('day', var('repeat_window_days') + 2, 'changed_topics.created_at') }}
        union
        select
            partner.appeal_source,
            partner.source_appeal_id
        from {{ ref('int_appeals__unioned') }} as partner
        inner join changed_topics
            on
                partner.appeal_source = changed_topics.appeal_source
                and partner.topic_key = changed_topics.topic_key
                and partner.address_key = changed_topics.address_key
        where
            partner.created_at >= {{ dbt.dateadd('day', -1, 'changed_topics.created_at') }}
            and partner.created_at
            <= {{ dbt.dateadd('day', var('repeat_window_days') + 2, 'changed_topics.created_at') }}

    ),

    to_process as (

        select
            appeal_source,
            source_appeal_id
        from changed
        union
        select
            appeal_source,
            source_appeal_id
        from partners
        union
        select
            appeal_source,
            source_appeal_id
        from {{ this }}
        where is_open
        union
        select
            appeal_keys.appeal_source,
            appeal_keys.source_appeal_id
        from appeal_keys
        inner join {{ this }} as previous
            on
                appeal_keys.appeal_source = previous.appeal_source
                and appeal_keys.source_appeal_id = previous.source_appeal_id
        where appeal_keys.rating is distinct from previous.rating

    ),

    process_appeals as (

        select unioned.*
        from {{ ref('int_appeals__unioned') }} as unioned
        inner join to_process
            on
                unioned.appeal_source = to_process.appeal_source
                and unioned.source_appeal_id = to_process.source_appeal_id

    ),

    process_response_times as (
        {{ appeal_response_times('process_appeals') }}
    ),

    process_repeats as (
        {{ appeal_repeats(ref('int_appeals__unioned'), current='process_appeals') }}
    ),

    process_places as (
        {{ appeal_places('process_appeals') }}
    ),

    appeals as (
        {{ appeal_facts(
            'process_appeals',
            'process_response_times',
            'process_repeats',
            'process_places',
            all_appeals=ref('int_appeals__unioned')
        ) }}
    ),

{% endif %}

final as (

    select
        -- keys
        appeal_source,
        source_appeal_id,
        appeal_number,
        channel_key,
        topic_key,
        sector_code,
        municipality_key,
        organisation_key,
        created_date,
        batch_id,

        -- dimensions
        municipality_method,
        appeal_kind_code,
        status_code,
        moderation_outcome,
        is_open,
        is_overdue_open,
        answered_on_time,
        answered_on_time_calendar,
        answered_on_time_working,
        is_not_yet_due,
        is_deadline_extended,
        is_on_time_by_platform,
        is_platform_verdict_disagreement,
        is_repeat,
        is_repeat_by_person,
        is_repeat_by_address,

        -- measures
        response_minutes_calendar,
        response_minutes_working,
        rating,

        -- timestamps
        created_at,
        sla_started_at,
        first_response_at,
        closed_at,
        deadline_at,
        deadline_calendar_at,
        deadline_working_at,
        source_updated_at

    from appeals

)

select * from final
