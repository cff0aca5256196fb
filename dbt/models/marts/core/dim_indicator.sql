-- Indicator dimension: one row per indicator code, its attributes (name, ОКЕИ unit, direction,
-- programme, national and regional project, submitting ministry and the ministry's sector) taken from
-- its most recent submission (the latest submitted_at over all periods, then batch, then row).

with

submissions as (

    select * from {{ ref('int_indicators__submissions') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by indicator_code
            order by submitted_at desc, batch_id desc, source_row desc
        ) as recency_rank
    from submissions

),

final as (

    select
        -- keys
        indicator_code,
        programme_key,
        organisation_key,
        sector_code,

        -- dimensions
        indicator_name,
        okei_code,
        okei_name,
        direction,
        case direction
            when 'increase' then 'Возрастающий'
            when 'decrease' then 'Убывающий'
        end as direction_label,
        period_type,
        state_programme,
        national_project,
        regional_project,
        ministry

    from ranked
    where recency_rank = 1

)

select * from final
