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

with

appeals as (

    select * from {{ ref('fct_appeals') }}

),

channels as (

    select * from {{ ref('dim_channel') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

municipalities as (

    select * from {{ ref('dim_municipality') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current

),

topics as (

    select * from {{ ref('dim_topic') }}

),

aggregated as (

    select
        {{ month_of('created_date') }} as month_start,
        appeal_source,
        sector_code,
        municipality_key,
        organisation_key,
        channel_key,
        topic_key,
        count(*) as appeals_count,
        {{ count_if('first_response_at is not null') }} as answered_count,
        {{ count_if('answered_on_time') }} as answered_on_time_count,
        {{ count_if('answered_on_time is not null') }} as due_count,
        {{ count_if('answered_on_time_working') }} as answered_on_time_work_count,
        {{ count_if('answered_on_time_working is not null') }} as due_work_count,
        {{ count_if('is_not_yet_due') }} as not_yet_due_count,
        {{ count_if('is_deadline_extended') }} as extended_count,
        sum(case when first_response_at is not null then response_minutes_calendar end) / 60.0
            as first_response_hours_sum,
        {{ median('case when first_response_at is not null then response_minutes_calendar end') }} / 60.0
            as first_response_hours_median,
        sum(case when first_response_at is not null then response_minutes_working end) / 60.0
            as first_response_work_hours_sum,
        {{ median('case when first_response_at is not null then response_minutes_working end') }} / 60.0
            as first_response_work_hours_median,
        count(rating) as rated_count,
        {{ count_if('rating >= 4') }} as rated_4_5_count,
        {{ count_if('is_repeat') }} as repeat_count,
        {{ count_if("moderation_outcome in ('accepted', 'declined')") }} as moderated_count,
        {{ count_if("moderation_outcome = 'declined'") }} as rejected_count,
        {{ count_if('is_overdue_open') }} as open_overdue_count
    from appeals
    group by
        {{ month_of('created_date') }},
        appeal_source,
        sector_code,
        municipality_key,
        organisation_key,
        channel_key,
        topic_key

),

final as (

    select
        -- keys
        aggregated.month_start,
        cast(aggregated.appeal_source as text) as appeal_source,
        cast(channels.system_name as text) as appeal_source_name,
        cast(aggregated.sector_code as text) as sector_code,
        cast(sectors.sector_name as text) as sector_name,
        cast(aggregated.municipality_key as text) as municipality_key,
        cast(municipalities.municipality_name as text) as municipality_name,
        cast(aggregated.organisation_key as text) as organisation_key,
        cast(organisations.organisation_name as text) as organisation_name,
        cast(organisations.organisation_kind as text) as organisation_kind,
        cast(aggregated.channel_key as text) as channel_key,
        cast(channels.channel_name as text) as channel_name,
        cast(aggregated.topic_key as text) as topic_key,
        cast(topics.topic_name as text) as topic_name,

        -- measures
        cast(aggregated.appeals_count as integer) as appeals_count,
        cast(aggregated.answered_count as integer) as answered_count,
        cast(aggregated.answered_on_time_count as integer) as answered_on_time_count,
        {{ share('aggregated.answered_on_time_count', 'aggregated.due_count') }} as share_answered_on_time,
        cast(aggregated.answered_on_time_work_count as integer) as answered_on_time_work_count,
        {{ share('aggregated.answered_on_time_work_count', 'aggregated.due_work_count') }}
            as share_answered_on_time_work,
        round(cast(aggregated.first_response_hours_sum as numeric), 4) as first_response_hours_sum,
        {{ share('aggregated.first_response_hours_sum', 'aggregated.answered_count', 4) }}
            as first_response_hours_mean,
        round(cast(aggregated.first_response_hours_median as numeric), 4) as first_response_hours_median,
        round(cast(aggregated.first_response_work_hours_sum as numeric), 4) as first_response_work_hours_sum,
        {{ share('aggregated.first_response_work_hours_sum', 'aggregated.answered_count', 4) }}
            as first_response_work_hours_mean,
        round(cast(aggregated.first_response_work_hours_median as numeric), 4)
            as first_response_work_hours_median,
        cast(aggregated.rated_count as integer) as rated_count,
        cast(aggregated.rated_4_5_count as integer) as rated_4_5_count,
        {{ share('aggregated.rated_4_5_count', 'aggregated.rated_count') }} as share_rated_4_5,
        cast({{ var('rating_target_share') }} as numeric) as rating_target_share,
        cast(aggregated.repeat_count as integer) as repeat_count,
        {{ share('aggregated.repeat_count', 'aggregated.appeals_count') }} as share_repeat,
        cast(aggregated.moderated_count as integer) as moderated_count,
        cast(aggregated.rejected_count as integer) as rejected_count,
        {{ share('aggregated.rejected_count', 'aggregated.moderated_count') }} as share_rejected,
        cast(aggregated.open_overdue_count as integer) as open_overdue_count,
        cast(aggregated.due_count as integer) as due_count,
        cast(aggregated.due_work_count as integer) as due_work_count,
        cast(aggregated.not_yet_due_count as integer) as not_yet_due_count,
        cast(aggregated.extended_count as integer) as extended_count

    from aggregated
    left join channels
        on aggregated.channel_key = channels.channel_key
    left join sectors
        on aggregated.sector_code = sectors.sector_code
    left join municipalities
        on aggregated.municipality_key = municipalities.municipality_key
    left join organisations
        on aggregated.organisation_key = organisations.organisation_key
    left join topics
        on aggregated.topic_key = topics.topic_key

)

select * from final
