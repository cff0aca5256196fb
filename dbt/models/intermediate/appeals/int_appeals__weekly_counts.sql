-- Weekly appeal counts per sector × municipality, dense: every ISO week (Monday start, local dates)
-- from the week of the first appeal to the week of the last one, for every sector × municipality pair
-- that has any appeal, with 0 for a week without appeals (a quiet week is part of the baseline).
-- Both sources count (ПОС appeals and IM incidents), declined ones included: the signal is about how
-- many people raise an issue, not about how it was handled. Input of kpi_conflict_signals.

with

appeals as (

    -- fct_appeals has one row per appeal of int_appeals__unioned with the place's municipality
    -- (int_appeals__places; 'unknown' without one) and the local creation date: the same three values
    -- this model once computed from int_appeals__unioned and int_appeals__places, read from a table
    -- instead of computing every appeal's place again (assert_fct_appeals_matches_full_refresh proves
    -- fct_appeals equal to that logic)
    select
        sector_code,
        municipality_key,
        created_date
    from {{ ref('fct_appeals') }}

),

calendar as (

    select * from {{ ref('int_calendar__days') }}

),

span as (

    select
        min(created_date) as first_date,
        max(created_date) as last_date
    from appeals

),

weeks as (

    select distinct calendar.iso_week_start as week_start
    from calendar
    inner join span
        on calendar.date_day between span.first_date and span.last_date

),

pairs as (

    select distinct
        sector_code,
        municipality_key
    from appeals

),

counted as (

    select
        calendar.iso_week_start as week_start,
        appeals.sector_code,
        appeals.municipality_key,
        count(*) as appeals_count
    from appeals
    inner join calendar
        on appeals.created_date = calendar.date_day
    group by
        calendar.iso_week_start,
        appeals.sector_code,
        appeals.municipality_key

),

final as (

    select
        -- keys
        weeks.week_start,
        pairs.sector_code,
        pairs.municipality_key,

        -- measures
        cast(coalesce(counted.appeals_count, 0) as integer) as appeals_count

    from weeks
    cross join pairs
    left join counted
        on
            weeks.week_start = counted.week_start
            and pairs.sector_code = counted.sector_code
            and pairs.municipality_key = counted.municipality_key

)

select * from final
