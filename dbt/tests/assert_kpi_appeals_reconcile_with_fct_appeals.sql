-- The appeal KPI marts add up: per month and source, the counts of kpi_appeals (summed over its slices)
-- and of kpi_appeals_headline equal those counted directly on fct_appeals, and the headline's shares
-- equal sum(numerator) / sum(denominator) of kpi_appeals (the on-time share
-- over due_count). Returns the months and sources that differ.

with

facts as (

    select
        {{ month_of('created_date') }} as month_start,
        appeal_source,
        count(*) as appeals_count,
        {{ count_if('first_response_at is not null') }} as answered_count,
        {{ count_if('answered_on_time') }} as answered_on_time_count,
        {{ count_if('answered_on_time is not null') }} as due_count,
        {{ count_if('is_not_yet_due') }} as not_yet_due_count,
        count(rating) as rated_count,
        {{ count_if('rating >= 4') }} as rated_4_5_count,
        {{ count_if('is_repeat') }} as repeat_count,
        {{ count_if("moderation_outcome = 'declined'") }} as rejected_count,
        {{ count_if('is_overdue_open') }} as open_overdue_count
    from {{ ref('fct_appeals') }}
    group by
        {{ month_of('created_date') }},
        appeal_source

),

slices as (

    select
        month_start,
        appeal_source,
        sum(appeals_count) as appeals_count,
        sum(answered_count) as answered_count,
        sum(answered_on_time_count) as answered_on_time_count,
        sum(rated_count) as rated_count,
        sum(rated_4_5_count) as rated_4_5_count,
        sum(repeat_count) as repeat_count,
        sum(rejected_count) as rejected_count,
        sum(open_overdue_count) as open_overdue_count,
        sum(due_count) as due_count,
        sum(not_yet_due_count) as not_yet_due_count,
        {{ share('sum(answered_on_time_count)', 'sum(due_count)') }} as share_answered_on_time,
        {{ share('sum(rated_4_5_count)', 'sum(rated_count)') }} as share_rated_4_5
    from {{ ref('kpi_appeals') }}
    group by
        month_start,
        appeal_source

),

headline as (

    select * from {{ ref('kpi_appeals_headline') }}

),

compared as (

    select
        facts.month_start,
        facts.appeal_source,
        facts.appeals_count as fact_appeals,
        slices.appeals_count as slice_appeals,
        headline.appeals_count as headline_appeals
    from facts
    left join slices
        on
            facts.month_start = slices.month_start
            and facts.appeal_source = slices.appeal_source
    left join headline
        on
            facts.month_start = headline.month_start
            and facts.appeal_source = headline.appeal_source
    where
        slices.month_start is null
        or headline.month_start is null
        or facts.appeals_count <> slices.appeals_count
        or facts.answered_count <> slices.answered_count
        or facts.answered_on_time_count <> slices.answered_on_time_count
        or facts.rated_count <> slices.rated_count
        or facts.rated_4_5_count <> slices.rated_4_5_count
        or facts.repeat_count <> slices.repeat_count
        or facts.rejected_count <> slices.rejected_count
        or facts.open_overdue_count <> slices.open_overdue_count
        or facts.due_count <> slices.due_count
        or facts.not_yet_due_count <> slices.not_yet_due_count
        or facts.due_count <> headline.due_count
        or facts.appeals_count <> headline.appeals_count
        or facts.answered_on_time_count <> headline.answered_on_time_count
        or facts.rated_4_5_count <> headline.rated_4_5_count
        or facts.open_overdue_count <> headline.open_overdue_count
        or slices.share_answered_on_time is distinct from headline.share_answered_on_time
        or slices.share_rated_4_5 is distinct from headline.share_rated_4_5

)

select * from compared
