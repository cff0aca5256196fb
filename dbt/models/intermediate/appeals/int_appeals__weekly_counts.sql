-- Weekly appeal counts per sector × municipality, dense: every ISO week (Monday start, local dates)
-- from the week of the first appeal to the week of the last one, for every sector × municipality pair
-- that has any appeal, with 0 for a week without appeals (a quiet week is part of the baseline).
-- Both sources count (ПОС appeals and IM incidents), declined ones included: the signal is about how
-- many people raise an issue, not about how it was handled. Input of kpi_conflict_signals.

with

appeals as (

    select
        unioned.sector_code,
        coalesce(places.municipality_key, 'unknown') as municipality_key,
        cast({{ to_source_local('unioned.created_at') }} as date) as created_date
    from {{ ref('int_appeals__unioned') }} as unioned
    -- the place of the appeal (its location; the answering body only without one)
    left join {{ ref('int_appeals__places') }} as places
        on
            unioned.appeal_source = places.appeal_source
            and unioned.source_appeal_id = places.source_appeal_id

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
