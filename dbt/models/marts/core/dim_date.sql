-- Calendar dimension: one row per day of vars calendar_start_date … calendar_end_date (2019–2027),
-- with the Russian production calendar applied (rules in int_calendar__days: transferred days off and
-- working Saturdays followed, decree non-working days of 2020–2021 counted as working days as the
-- official production calendar does) and Russian labels.
{{ config(indexes=[{'columns': ['date_day'], 'unique': True}]) }}

with

calendar as (

    select * from {{ ref('int_calendar__days') }}

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
        month_start,
        quarter_start,
        iso_week_start,
        month_name_ru,
        month_name_ru_genitive,
        month_name_ru || ' ' || cast(year_number as {{ type_varchar() }}) as month_label_ru,
        day_name_ru,
        quarter_label_ru,
        is_weekend,
        calendar_kind,
        calendar_note,
        is_holiday,
        is_working_day,
        is_shortened_day,
        is_provisional,

        -- measures
        work_minutes,
        working_day_number

    from calendar

)

select * from final
