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
-- depends_on: {{ ref('int_appeals__unioned') }}
{{ config(
    materialized='incremental',
    unique_key=['appeal_source', 'source_appeal_id'],
    incremental_strategy='merge',
    on_schema_change='fail',
) }}

with

appeals as (

    select * from {{ ref('int_appeals__final') }}

),

{% if is_incremental() %}

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

    partners as (

        select
            partner.appeal_source,
            partner.source_appeal_id
        from appeal_keys as partner
        inner join changed
            on
                partner.appeal_source = changed.appeal_source
                and (
                    partner.topic_key = changed.topic_key
                    or partner.topic_key = changed.previous_topic_key
                )
                and (
                    partner.person_key = changed.person_key
                    or partner.address_key = changed.address_key
                )
                and partner.created_at >= {{ dbt.dateadd('day', -1, 'changed.created_at') }}
                and partner.created_at
                <= {{ dbt.dateadd('day', var('repeat_window_days') + 2, 'changed.created_at') }}

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
    {% if is_incremental() %}
        where exists (
            select 1
            from to_process
            where
                to_process.appeal_source = appeals.appeal_source
                and to_process.source_appeal_id = appeals.source_appeal_id
        )
    {% endif %}

)

select * from final
