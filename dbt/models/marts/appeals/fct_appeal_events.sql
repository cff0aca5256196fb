-- ПОС status history: one row per status event of an appeal (grain: appeal_source + source_appeal_id
-- + event_seq), from the appeal's latest exported history (stg_pos__appeal_events). Инцидент
-- Менеджмент exports carry no status history (only the milestones that are columns of fct_appeals).
--
-- Incremental, delete+insert by appeal: a run takes the appeals whose history comes from a batch newer
-- than the newest batch in the table, deletes all their events and inserts their whole current
-- history, so a later export that adds, changes or even drops events replaces the old history.
{{ config(
    materialized='incremental',
    unique_key=['appeal_source', 'source_appeal_id'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

events as (

    select * from {{ ref('stg_pos__appeal_events') }}

),

{% if is_incremental() %}

    changed_appeals as (

        -- read from the raw events (the batch index), not from the staging view: a second reference
        -- to the view would make PostgreSQL materialise it whole (every event redacted) before the
        -- filter, 175 s against 2.5 s at 200,000 appeals; the batch ids are the same rows'
        select distinct raw_events.appeal_id
        from {{ source('pos', 'pos_appeal_events') }} as raw_events
        where raw_events.batch_id > (
            select coalesce(max(loaded.batch_id), -1) from {{ this }} as loaded
        )

    ),

{% endif %}

sequenced as (

    select
        events.*,
        lag(events.status_code) over (
            partition by events.appeal_id order by events.event_seq
        ) as previous_status_code,
        lag(events.created_at) over (
            partition by events.appeal_id order by events.event_seq
        ) as previous_event_at
    from events
    {% if is_incremental() %}
        inner join changed_appeals
            on events.appeal_id = changed_appeals.appeal_id
    {% endif %}

),

final as (

    select
        -- keys
        'pos' as appeal_source,
        appeal_id as source_appeal_id,
        event_seq,
        cast({{ to_source_local('created_at') }} as date) as event_date,
        batch_id,

        -- dimensions
        status_code,
        status_text,
        previous_status_code,
        created_by,
        answer_type,
        reject_reason,
        is_last_event,

        -- measures
        cast(
            round(cast({{ seconds_between('previous_event_at', 'created_at') }} / 60 as {{ type_numeric() }}), 2)
            as numeric(14, 2)
        ) as minutes_since_previous_event,

        -- timestamps
        created_at as event_at

    from sequenced

)

select * from final
