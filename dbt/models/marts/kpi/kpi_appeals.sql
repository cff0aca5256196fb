-- Appeal KPIs by month × source × sector × municipality × organisation × channel × topic (the finest
-- slice dashboards filter on). Every share comes with its numerator and denominator so a chart can
-- re-aggregate any coarser slice as sum(numerator) / sum(denominator). Medians are exact only at this
-- grain; kpi_appeals_headline has the exact region-wide medians.
--
-- Definitions (vars in dbt_project.yml; the rules per appeal are in fct_appeals):
--   month_start                   month of the appeal's local creation date (a cohort: an appeal is
--                                 counted in the month it was created, whenever it was answered)
--   share_answered_on_time        answered_on_time_count / due_count: due_count = every appeal whose
--                                 official deadline has passed (answered or not: open past it is late)
--                                 plus those answered before it; answered_on_time_count = first response
--                                 (first SEND_RESPONSE) by the deadline (ПОС by kind: 59-ФЗ обращение 30
--                                 days, +30 once if extended in time, сообщение pos_answer_days days; IM
--                                 incident_first_response_work_hours working hours from the assignment)
--   share_answered_on_time_work   answered_on_time_work_count / due_work_count, the same against the
--                                 working-time deadline
--   not_yet_due_count             open, not answered, deadline ahead («в работе, срок не наступил»):
--                                 outside the on-time shares
--   extended_count                ПОС appeals whose deadline an in-time POSTPONE extended
--   first_response_*hours_*       calendar / working hours from creation to the first response, over
--                                 the answered appeals (sum, mean = sum / answered_count, median)
--   share_rated_4_5               rated_4_5_count / rated_count, to compare with rating_target_share
--   share_repeat                  repeat_count / appeals_count (repeat: int_appeals__repeats)
--   share_rejected                rejected_count / moderated_count: declined at moderation among the
--                                 appeals whose moderation is over (accepted or declined)
--   open_overdue_count            appeals still open past their deadline as of the source's latest export
--
-- Incremental by month (delete+insert on month_start): a daily run recomputes only the months whose
-- appeals may have changed (macros/incremental_periods.sql: the months of the appeals the latest
-- int_appeals__unioned run changed, old and new creation dates, their repeat partners' months, the
-- months of open appeals) and the months whose stored dimension names no longer match the dimensions
-- (a renamed organisation, sector, topic …). Every row of a recomputed month is replaced.
-- assert_kpi_appeals_marts_match_full_refresh proves the table equal to the full-refresh logic.
-- on_schema_change is not 'fail': dbt reports this model's unconstrained numeric columns (round(…, 6))
-- as changed types on every incremental run; a new column is added, the full_refresh job fills it.
-- depends_on: {{ ref('int_appeals__unioned') }}
-- depends_on: {{ ref('int_calendar__days') }}
{{ config(
    materialized='incremental',
    unique_key='month_start',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    indexes=[{'columns': ['month_start']}],
) }}

with

{% if is_incremental() %}

    months_to_recompute as (

        {{ appeal_fact_months_to_recompute() }}
        union
        select stored_rows.month_start
        from {{ this }} as stored_rows
        left join {{ ref('dim_channel') }} as channels
            on stored_rows.channel_key = channels.channel_key
        left join {{ ref('dim_sector') }} as sectors
            on stored_rows.sector_code = sectors.sector_code
        left join {{ ref('dim_municipality') }} as municipalities
            on stored_rows.municipality_key = municipalities.municipality_key
        left join {{ ref('dim_organisation') }} as organisations
            on stored_rows.organisation_key = organisations.organisation_key and organisations.is_current
        left join {{ ref('dim_topic') }} as topics
            on stored_rows.topic_key = topics.topic_key
        where
            stored_rows.appeal_source_name is distinct from cast(channels.system_name as {{ type_text() }})
            or stored_rows.channel_name is distinct from cast(channels.channel_name as {{ type_text() }})
            or stored_rows.sector_name is distinct from cast(sectors.sector_name as {{ type_text() }})
            or stored_rows.municipality_name is distinct from cast(municipalities.municipality_name as {{ type_text() }})
            or stored_rows.organisation_name is distinct from cast(organisations.organisation_name as {{ type_text() }})
            or stored_rows.organisation_kind is distinct from cast(organisations.organisation_kind as {{ type_text() }})
            or stored_rows.topic_name is distinct from cast(topics.topic_name as {{ type_text() }})

    ),

{% endif %}

fct_appeals_of_months as (

    select * from {{ ref('fct_appeals') }}
    {% if is_incremental() -%}
        where {{ month_of('created_date') }} in (select months_to_recompute.month_start from months_to_recompute)
    {%- endif %}

),

kpi_rows as (
    {{ kpi_appeals_rows('fct_appeals_of_months') }}
)

select * from kpi_rows
