{#- The shaping of fct_appeal_events over staged ПОС events (`events`: a relation or CTE name with the
    columns of stg_pos__appeal_events): each event with the status and time of the one before it.
    Shared by the model (the whole staging view, or the changed appeals' events) and its full-refresh
    equality test. Ends with a CTE named `name`. -#}
{% macro appeal_event_facts(events, name='final') %}
sequenced as (

    select
        {{ events }}.*,
        lag({{ events }}.status_code) over (
            partition by {{ events }}.appeal_id order by {{ events }}.event_seq
        ) as previous_status_code,
        lag({{ events }}.created_at) over (
            partition by {{ events }}.appeal_id order by {{ events }}.event_seq
        ) as previous_event_at
    from {{ events }}

),

{{ name }} as (

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
{%- endmacro %}
