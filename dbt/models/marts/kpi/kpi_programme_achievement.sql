-- Programme achievement per year, ministry and state programme, with a year-end forecast, from
-- kpi_indicator_progress.
--
-- Per indicator and year:
--   achievement degree   mean of the achievement degrees of its periods of the year that have one (the
--                        periods reported so far); band high / medium / low by the band vars
--   forecast degree      the forecast_degree of its latest period of the year that carries a forecast
--                        (the ministry's year-end forecast); without one, the achievement degree so far
--                        (the year is expected to end as it went)
--   at risk              forecast degree below var indicator_at_risk_degree (0.9)
-- Per year × ministry × programme: indicators_count (every indicator with a period in the year, reported
-- or not: the bands may sum to less), band counts, the means of the two degrees over the indicators that
-- have one, and the indicators at risk.

with

progress as (

    select * from {{ ref('kpi_indicator_progress') }}

),

forecasts as (

    select
        indicator_code,
        year,
        forecast_degree,
        row_number() over (
            partition by indicator_code, year
            order by period_start desc, period_end desc
        ) as recency_rank
    from progress
    where forecast_degree is not null

),

indicator_years as (

    select
        year,
        ministry,
        programme_key,
        indicator_code,
        max(programme_name) as programme_name,
        max(sector_code) as sector_code,
        max(sector_name) as sector_name,
        avg(achievement_degree) as achievement_degree
    from progress
    group by
        year,
        ministry,
        programme_key,
        indicator_code

),

judged as (

    select
        indicator_years.*,
        coalesce(forecasts.forecast_degree, indicator_years.achievement_degree) as forecast_degree,
        {{ achievement_band('indicator_years.achievement_degree') }} as achievement_band
    from indicator_years
    left join forecasts
        on
            indicator_years.indicator_code = forecasts.indicator_code
            and indicator_years.year = forecasts.year
            and forecasts.recency_rank = 1

),

final as (

    select
        -- keys
        cast(year as integer) as year,
        cast(ministry as text) as ministry,
        cast(programme_key as text) as programme_key,
        cast(max(programme_name) as text) as programme_name,
        cast(max(sector_code) as text) as sector_code,
        cast(max(sector_name) as text) as sector_name,

        -- measures
        cast(count(*) as integer) as indicators_count,
        cast({{ count_if("achievement_band = 'high'") }} as integer) as band_high_count,
        cast({{ count_if("achievement_band = 'medium'") }} as integer) as band_medium_count,
        cast({{ count_if("achievement_band = 'low'") }} as integer) as band_low_count,
        round(cast(avg(achievement_degree) as numeric), 6) as achievement_degree_mean,
        round(cast(avg(forecast_degree) as numeric), 6) as forecast_degree_mean,
        cast({{ count_if('forecast_degree < ' ~ var('indicator_at_risk_degree')) }} as integer)
            as indicators_at_risk_count

    from judged
    group by
        year,
        ministry,
        programme_key

)

select * from final
