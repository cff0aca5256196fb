-- Ministry indicator submissions: one row per indicator × period × submission (all kept).
--
-- A later submission (later «Дата представления») for the same indicator and period supersedes an
-- earlier one; that choice is made in the marts, staging only flags the latest: is_latest_submission
-- per indicator_code × period_type × period_start, by submitted_at, then the greatest batch, then the
-- last row (a sheet that repeats a line).

with

submissions as (

    select * from {{ source('indicators', 'indicator_values') }}

),

coded as (

    select
        *,
        trim(indicator_code) as indicator_code_clean,
        {{ map_values('direction', {'Возрастающий': 'increase', 'Убывающий': 'decrease'}) }}
            as direction_code,
        {{ map_values('period_type', {'Месяц': 'month', 'Квартал': 'quarter', 'Год': 'year'}) }}
            as period_type_code
    from submissions

),

ranked as (

    select
        *,
        row_number() over (
            partition by indicator_code_clean, period_type_code, period_start
            order by submitted_at desc, batch_id desc, source_row desc
        ) as submission_rank
    from coded

),

final as (

    select
        -- keys
        submission_id,
        indicator_code_clean as indicator_code,
        period_type_code as period_type,
        period_start,
        batch_id,
        sheet_name,
        source_row,

        -- dimensions
        ministry,
        indicator_name,
        state_programme,
        national_project,
        regional_project,
        nullif(trim(okei_code), '') as okei_code,
        okei_name,
        direction_code as direction,
        direction as direction_label,
        period_type as period_type_label,
        period_label,
        -- the column keeps its source name, which the later layers read
        {{ redact_free_text('comment') }} as comment,  -- noqa: RF04
        submission_rank = 1 as is_latest_submission,

        -- measures
        plan_value,
        fact_value,
        forecast_value,

        -- timestamps
        period_end,
        submitted_at

    from ranked

)

select * from final
