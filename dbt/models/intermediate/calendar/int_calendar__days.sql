-- The calendar: one row per day of vars calendar_start_date … calendar_end_date (date_spine's end
-- is exclusive, hence the day added), with the Russian
-- production calendar applied and the working window of each day (the base of dim_date and of every
-- working-time computation, see macros/working_time.sql).
--
-- Rules (ref_production_calendar, kinds):
--   holiday, transferred_day_off       -> day off
--   working_weekend                    -> working day (a Saturday worked instead of a moved day off);
--                                         shortened when its note says so («сокращённый», -1 h)
--   shortened_pre_holiday              -> working day, one hour shorter
--   non_working_by_decree              -> WORKING day: the 2020–2021 «нерабочие дни» by presidential
--                                         decree were paid days off, but the official production
--                                         calendar (and so the appeal deadlines) counts them as
--                                         working days; three of them are shortened pre-holiday days
--                                         in that calendar (the note says «сокращённый»)
--   any other day                      -> Monday–Friday working, Saturday and Sunday off
-- A working day runs var work_day_start … work_day_end with a lunch break lunch_start … lunch_end
-- (480 minutes); a shortened day ends an hour earlier (420 minutes).
{{ config(
    materialized='table',
    indexes=[
        {'columns': ['date_day'], 'unique': True},
        {'columns': ['work_seconds_before']},
        {'columns': ['working_day_number']},
    ],
) }}

with

spine as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        dbt.dateadd('day', 1, "cast('" ~ var('calendar_end_date') ~ "' as date)"),
    ) }}

),

production_calendar as (

    select * from {{ ref('ref_production_calendar') }}

),

days as (

    select
        cast(spine.date_day as date) as date_day,
        production_calendar.kind as calendar_kind,
        production_calendar.note as calendar_note,
        coalesce(production_calendar.is_provisional, false) as is_provisional,
        cast({{ iso_day_of_week('spine.date_day') }} as integer) as iso_day_of_week
    from spine
    left join production_calendar
        on cast(spine.date_day as date) = production_calendar.date

),

classified as (

    select
        *,
        case
            when calendar_kind in ('holiday', 'transferred_day_off') then false
            when calendar_kind in ('working_weekend', 'shortened_pre_holiday', 'non_working_by_decree') then true
            else iso_day_of_week <= 5
        end as is_working_day,
        coalesce(
            calendar_kind = 'shortened_pre_holiday'
            or (
                calendar_kind in ('working_weekend', 'non_working_by_decree')
                and calendar_note like '%сокращ%'
            ),
            false
        ) as is_shortened_day
    from days

),

windows as (

    select
        *,
        {{ clock_to_seconds(var('work_day_start')) }} as work_start_second,
        {{ clock_to_seconds(var('lunch_start')) }} as lunch_start_second,
        {{ clock_to_seconds(var('lunch_end')) }} as lunch_end_second,
        {{ clock_to_seconds(var('work_day_end')) }}
        - case when is_shortened_day then 3600 else 0 end as work_end_second
    from classified

),

measured as (

    select
        *,
        case
            when is_working_day
                then (work_end_second - work_start_second) - (lunch_end_second - lunch_start_second)
            else 0
        end as work_seconds
    from windows

),

cumulated as (

    select
        *,
        coalesce(
            sum(work_seconds) over (
                order by date_day rows between unbounded preceding and 1 preceding
            ),
            0
        ) as work_seconds_before,
        sum(case when is_working_day then 1 else 0 end) over (
            order by date_day rows between unbounded preceding and current row
        ) as working_day_number
    from measured

),

labelled as (

    select
        *,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast({{ iso_year('date_day') }} as integer) as iso_year,
        cast(extract(week from date_day) as integer) as iso_week
    from cumulated

),

final as (

    select
        -- keys
        date_day,

        -- dimensions
        year_number,
        quarter_number,
        month_number,
        day_of_month,
        iso_year,
        iso_week,
        iso_day_of_week,
        cast(date_trunc('month', date_day) as date) as month_start,
        cast(date_trunc('quarter', date_day) as date) as quarter_start,
        cast(date_trunc('week', date_day) as date) as iso_week_start,
        case month_number
            when 1 then 'январь' when 2 then 'февраль' when 3 then 'март'
            when 4 then 'апрель' when 5 then 'май' when 6 then 'июнь'
            when 7 then 'июль' when 8 then 'август' when 9 then 'сентябрь'
            when 10 then 'октябрь' when 11 then 'ноябрь' when 12 then 'декабрь'
        end as month_name_ru,
        case month_number
            when 1 then 'января' when 2 then 'февраля' when 3 then 'марта'
            when 4 then 'апреля' when 5 then 'мая' when 6 then 'июня'
            when 7 then 'июля' when 8 then 'августа' when 9 then 'сентября'
            when 10 then 'октября' when 11 then 'ноября' when 12 then 'декабря'
        end as month_name_ru_genitive,
        case iso_day_of_week
            when 1 then 'пн' when 2 then 'вт' when 3 then 'ср' when 4 then 'чт'
            when 5 then 'пт' when 6 then 'сб' when 7 then 'вс'
        end as day_name_ru,
        case quarter_number
            when 1 then 'I' when 2 then 'II' when 3 then 'III' when 4 then 'IV'
        end || ' квартал ' || cast(year_number as {{ type_varchar() }}) as quarter_label_ru,
        iso_day_of_week >= 6 as is_weekend,
        calendar_kind,
        calendar_note,
        coalesce(calendar_kind = 'holiday', false) as is_holiday,
        is_working_day,
        is_shortened_day,
        is_provisional,

        -- measures
        cast(work_seconds / 60 as integer) as work_minutes,
        cast(work_seconds as integer) as work_seconds,
        cast(work_start_second as integer) as work_start_second,
        cast(lunch_start_second as integer) as lunch_start_second,
        cast(lunch_end_second as integer) as lunch_end_second,
        cast(work_end_second as integer) as work_end_second,
        cast(work_seconds_before as bigint) as work_seconds_before,
        cast(working_day_number as integer) as working_day_number

    from labelled

)

select * from final
