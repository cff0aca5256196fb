{#-
    kpi_appeals_rows(appeals): the rows of kpi_appeals for the appeals given (a relation or CTE name in
    the shape of fct_appeals). The model's comments say what each measure is. Callers: the model
    (every appeal in a full refresh, the appeals of the months to recompute in an incremental run) and
    tests/assert_kpi_appeals_marts_match_full_refresh.sql (every appeal).
-#}
{% macro kpi_appeals_rows(appeals) %}

with

appeals as (

    select * from {{ appeals }}

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
        cast(aggregated.appeal_source as {{ type_text() }}) as appeal_source,
        cast(channels.system_name as {{ type_text() }}) as appeal_source_name,
        cast(aggregated.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(aggregated.municipality_key as {{ type_text() }}) as municipality_key,
        cast(municipalities.municipality_name as {{ type_text() }}) as municipality_name,
        cast(aggregated.organisation_key as {{ type_text() }}) as organisation_key,
        cast(organisations.organisation_name as {{ type_text() }}) as organisation_name,
        cast(organisations.organisation_kind as {{ type_text() }}) as organisation_kind,
        cast(aggregated.channel_key as {{ type_text() }}) as channel_key,
        cast(channels.channel_name as {{ type_text() }}) as channel_name,
        cast(aggregated.topic_key as {{ type_text() }}) as topic_key,
        cast(topics.topic_name as {{ type_text() }}) as topic_name,

        -- measures
        cast(aggregated.appeals_count as integer) as appeals_count,
        cast(aggregated.answered_count as integer) as answered_count,
        cast(aggregated.answered_on_time_count as integer) as answered_on_time_count,
        {{ share('aggregated.answered_on_time_count', 'aggregated.due_count') }} as share_answered_on_time,
        cast(aggregated.answered_on_time_work_count as integer) as answered_on_time_work_count,
        {{ share('aggregated.answered_on_time_work_count', 'aggregated.due_work_count') }}
            as share_answered_on_time_work,
        round(cast(aggregated.first_response_hours_sum as {{ type_numeric() }}), 4) as first_response_hours_sum,
        {{ share('aggregated.first_response_hours_sum', 'aggregated.answered_count', 4) }}
            as first_response_hours_mean,
        round(cast(aggregated.first_response_hours_median as {{ type_numeric() }}), 4) as first_response_hours_median,
        round(cast(aggregated.first_response_work_hours_sum as {{
            type_numeric() }}), 4) as first_response_work_hours_sum,
        {{ share('aggregated.first_response_work_hours_sum', 'aggregated.answered_count', 4) }}
            as first_response_work_hours_mean,
        round(cast(aggregated.first_response_work_hours_median as {{ type_numeric() }}), 4)
            as first_response_work_hours_median,
        cast(aggregated.rated_count as integer) as rated_count,
        cast(aggregated.rated_4_5_count as integer) as rated_4_5_count,
        {{ share('aggregated.rated_4_5_count', 'aggregated.rated_count') }} as share_rated_4_5,
        cast({{ var('rating_target_share') }} as {{ type_numeric() }}) as rating_target_share,
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

{%- endmacro %}
