-- Appeal KPIs per ISO week and sector: the weekly grain of the briefing pack (briefing/), with the
-- same definitions as kpi_appeals (a cohort: an appeal counts in the week of its local creation date,
-- its state judged as of the source's newest export). Shares sit next to their numerators and
-- denominators, so the region is sum(numerator) / sum(denominator) over the sectors; the targets are
-- the vars on_time_target_share and rating_target_share.

with

appeals as (

    select * from {{ ref('fct_appeals') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

aggregated as (

    select
        cast({{ dbt.date_trunc('week', 'created_date') }} as date) as week_start,
        sector_code,
        count(*) as appeals_count,
        {{ count_if('first_response_at is not null') }} as answered_count,
        {{ count_if('answered_on_time') }} as answered_on_time_count,
        {{ count_if('answered_on_time is not null') }} as due_count,
        count(rating) as rated_count,
        {{ count_if('rating >= 4') }} as rated_4_5_count,
        {{ count_if('is_repeat') }} as repeat_count,
        {{ count_if('is_overdue_open') }} as open_overdue_count
    from appeals
    group by
        cast({{ dbt.date_trunc('week', 'created_date') }} as date),
        sector_code

),

final as (

    select
        -- keys
        aggregated.week_start,
        cast(aggregated.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,

        -- measures
        cast(aggregated.appeals_count as integer) as appeals_count,
        cast(aggregated.answered_count as integer) as answered_count,
        cast(aggregated.answered_on_time_count as integer) as answered_on_time_count,
        cast(aggregated.due_count as integer) as due_count,
        {{ share('aggregated.answered_on_time_count', 'aggregated.due_count') }} as share_answered_on_time,
        cast({{ var('on_time_target_share') }} as numeric(9, 6)) as on_time_target_share,
        cast(aggregated.rated_count as integer) as rated_count,
        cast(aggregated.rated_4_5_count as integer) as rated_4_5_count,
        {{ share('aggregated.rated_4_5_count', 'aggregated.rated_count') }} as share_rated_4_5,
        cast({{ var('rating_target_share') }} as numeric(9, 6)) as rating_target_share,
        cast(aggregated.repeat_count as integer) as repeat_count,
        {{ share('aggregated.repeat_count', 'aggregated.appeals_count') }} as share_repeat,
        cast(aggregated.open_overdue_count as integer) as open_overdue_count

    from aggregated
    left join sectors
        on aggregated.sector_code = sectors.sector_code

)

select * from final
