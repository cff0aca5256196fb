-- Appeal KPIs by month × source × sector × municipality: kpi_appeals summed over organisation,
-- channel and topic. A serving mart for the leadership dashboard (the month-on-month headline numbers
-- and the municipality ranking), which needs only these slices and the dashboard's sector and
-- municipality filters: a few thousand rows instead of kpi_appeals' fine grain, so each chart reads a
-- small table (issue 14, "Scaling notes" in the README). Only additive counts are carried: every share
-- is sum(numerator) / sum(denominator), exactly as the same metric over kpi_appeals; no medians.

with

appeals as (

    select * from {{ ref('kpi_appeals') }}

),

aggregated as (

    select
        month_start,
        appeal_source,
        appeal_source_name,
        sector_code,
        sector_name,
        municipality_key,
        municipality_name,
        sum(appeals_count) as appeals_count,
        sum(answered_count) as answered_count,
        sum(answered_on_time_count) as answered_on_time_count,
        sum(due_count) as due_count,
        sum(answered_on_time_work_count) as answered_on_time_work_count,
        sum(due_work_count) as due_work_count,
        sum(not_yet_due_count) as not_yet_due_count,
        sum(extended_count) as extended_count,
        sum(first_response_hours_sum) as first_response_hours_sum,
        sum(rated_count) as rated_count,
        sum(rated_4_5_count) as rated_4_5_count,
        sum(repeat_count) as repeat_count,
        sum(moderated_count) as moderated_count,
        sum(rejected_count) as rejected_count,
        sum(open_overdue_count) as open_overdue_count
    from appeals
    group by
        month_start,
        appeal_source,
        appeal_source_name,
        sector_code,
        sector_name,
        municipality_key,
        municipality_name

),

final as (

    select
        -- keys
        month_start,
        cast(appeal_source as {{ type_text() }}) as appeal_source,
        cast(appeal_source_name as {{ type_text() }}) as appeal_source_name,
        cast(sector_code as {{ type_text() }}) as sector_code,
        cast(sector_name as {{ type_text() }}) as sector_name,
        cast(municipality_key as {{ type_text() }}) as municipality_key,
        cast(municipality_name as {{ type_text() }}) as municipality_name,

        -- measures
        cast(appeals_count as integer) as appeals_count,
        cast(answered_count as integer) as answered_count,
        cast(answered_on_time_count as integer) as answered_on_time_count,
        cast(due_count as integer) as due_count,
        {{ share('answered_on_time_count', 'due_count') }} as share_answered_on_time,
        cast(answered_on_time_work_count as integer) as answered_on_time_work_count,
        cast(due_work_count as integer) as due_work_count,
        cast(not_yet_due_count as integer) as not_yet_due_count,
        cast(extended_count as integer) as extended_count,
        round(cast(first_response_hours_sum as {{ type_numeric() }}), 4) as first_response_hours_sum,
        cast(rated_count as integer) as rated_count,
        cast(rated_4_5_count as integer) as rated_4_5_count,
        {{ share('rated_4_5_count', 'rated_count') }} as share_rated_4_5,
        cast({{ var('rating_target_share') }} as {{ type_numeric() }}) as rating_target_share,
        cast(repeat_count as integer) as repeat_count,
        cast(moderated_count as integer) as moderated_count,
        cast(rejected_count as integer) as rejected_count,
        cast(open_overdue_count as integer) as open_overdue_count

    from aggregated

)

select * from final
