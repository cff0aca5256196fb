-- Programme achievement per year, ministry and state programme, with a year-end forecast, from
-- kpi_indicator_progress.
--
-- Per indicator and year (documented in dbt/README.md, "Programme indicators"):
--   annual degree        the degree of the year row (annual fact against annual plan) when it has one;
--                        otherwise the degree of the latest period of the year that has one (periods
--                        are reported cumulatively from the start of the year, so the latest is the
--                        year so far). Never a mean over months, quarters and years mixed.
--   forecast degree and forecast_method, the first that applies:
--     'annual_fact'      the year row has a fact: the year is over, the forecast is the annual degree
--     'ministry'         the ministry's own forecast: forecast_degree of the latest period of the year
--                        that carries one (year row or fourth quarter)
--     'linear_trend'     least-squares line of the cumulative fact over the days since 1 January,
--                        through the periods of the year of the latest period's type (two or more),
--                        evaluated at 31 December, floored at 0, against the annual plan (the year
--                        row's plan, else the latest period's)
--     'latest_fact'      only one period so far: its fact, against the same plan
--   at risk              forecast degree below var indicator_at_risk_degree (0.9)
-- Per year × ministry × programme: indicators_count (every indicator with a period in the year, so the
-- bands may sum to less), band counts, and for re-aggregation the sums and counts of the degrees over
-- the indicators that HAVE one (a coarser slice is sum / count, never weighted by indicators without a
-- degree); the means are sum / count.

with

progress as (

    select * from {{ ref('kpi_indicator_progress') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by indicator_code, year
            order by
                case when period_type = 'year' and achievement_degree is not null then 0 else 1 end,
                case when achievement_degree is not null then 0 else 1 end,
                period_end desc,
                period_start asc
        ) as degree_rank,
        row_number() over (
            partition by indicator_code, year
            order by case when period_type = 'year' then 0 else 1 end, period_end desc, period_start asc
        ) as plan_rank,
        max(case when period_type = 'year' and fact_value is not null then 1 else 0 end) over (
            partition by indicator_code, year
        ) as has_annual_fact
    from progress

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

trend_periods as (

    -- Periods below the year with a fact, of the type of the latest one.
    select
        progress.indicator_code,
        progress.year,
        progress.fact_value,
        cast(
            {{ days_between('make_date(progress.year, 1, 1)', 'progress.period_end') }} as {{ type_numeric() }}
        ) as day_of_year,
        first_value(progress.period_type) over (
            partition by progress.indicator_code, progress.year
            order by progress.period_end desc, progress.period_start desc
        ) as latest_period_type,
        progress.period_type
    from progress
    where progress.period_type <> 'year' and progress.fact_value is not null

),

trends as (

    select
        indicator_code,
        year,
        count(*) as trend_periods_count,
        max(case when day_of_year = max_day then fact_value end) as latest_fact,
        regr_slope(fact_value, day_of_year) as slope,
        regr_intercept(fact_value, day_of_year) as intercept
    from (
        select
            *,
            max(day_of_year) over (partition by indicator_code, year) as max_day
        from trend_periods
        where period_type = latest_period_type
    ) as same_type
    group by
        indicator_code,
        year

),

indicator_years as (

    select
        ranked.year,
        ranked.ministry,
        ranked.programme_key,
        ranked.indicator_code,
        max(ranked.programme_name) as programme_name,
        max(ranked.sector_code) as sector_code,
        max(ranked.sector_name) as sector_name,
        max(ranked.direction) as direction,
        max(case when ranked.degree_rank = 1 then ranked.achievement_degree end) as achievement_degree,
        max(case when ranked.plan_rank = 1 then ranked.plan_value end) as annual_plan,
        max(ranked.has_annual_fact) = 1 as has_annual_fact
    from ranked
    group by
        ranked.year,
        ranked.ministry,
        ranked.programme_key,
        ranked.indicator_code

),

projected as (

    select
        indicator_years.*,
        forecasts.forecast_degree as ministry_forecast_degree,
        trends.trend_periods_count,
        case
            when trends.trend_periods_count >= 2
                then greatest(
                    trends.intercept
                    + trends.slope
                    * cast(
                        {{ days_between(
                            'make_date(indicator_years.year, 1, 1)', 'make_date(indicator_years.year, 12, 31)'
                        ) }} as {{ type_numeric() }}
                    ),
                    0
                )
            when trends.trend_periods_count = 1 then trends.latest_fact
        end as trend_forecast_value
    from indicator_years
    left join forecasts
        on
            indicator_years.indicator_code = forecasts.indicator_code
            and indicator_years.year = forecasts.year
            and forecasts.recency_rank = 1
    left join trends
        on
            indicator_years.indicator_code = trends.indicator_code
            and indicator_years.year = trends.year

),

judged as (

    select
        *,
        case
            when has_annual_fact and achievement_degree is not null then 'annual_fact'
            when ministry_forecast_degree is not null then 'ministry'
            when trend_periods_count >= 2 then 'linear_trend'
            when trend_periods_count = 1 then 'latest_fact'
        end as forecast_method,
        {{ achievement_band('achievement_degree') }} as achievement_band
    from projected

),

forecast_judged as (

    select
        *,
        case forecast_method
            when 'annual_fact' then achievement_degree
            when 'ministry' then ministry_forecast_degree
            else {{ achievement_degree('annual_plan', 'trend_forecast_value', 'direction') }}
        end as forecast_degree
    from judged

),

final as (

    select
        -- keys
        cast(year as integer) as year,
        cast(ministry as {{ type_text() }}) as ministry,
        cast(programme_key as {{ type_text() }}) as programme_key,
        cast(max(programme_name) as {{ type_text() }}) as programme_name,
        cast(max(sector_code) as {{ type_text() }}) as sector_code,
        cast(max(sector_name) as {{ type_text() }}) as sector_name,

        -- dimensions
        cast(
            case
                when count(distinct forecast_method) = 1 then max(forecast_method)
                when count(distinct forecast_method) > 1 then 'mixed'
            end as {{ type_text() }}
        ) as forecast_method,

        -- measures
        cast(count(*) as integer) as indicators_count,
        cast({{ count_if("achievement_band = 'high'") }} as integer) as band_high_count,
        cast({{ count_if("achievement_band = 'medium'") }} as integer) as band_medium_count,
        cast({{ count_if("achievement_band = 'low'") }} as integer) as band_low_count,
        cast(count(achievement_degree) as integer) as degree_indicators_count,
        round(cast(coalesce(sum(achievement_degree), 0) as {{ type_numeric() }}), 6) as achievement_degree_sum,
        round(cast(avg(achievement_degree) as {{ type_numeric() }}), 6) as achievement_degree_mean,
        cast(count(forecast_degree) as integer) as forecast_indicators_count,
        round(cast(coalesce(sum(forecast_degree), 0) as {{ type_numeric() }}), 6) as forecast_degree_sum,
        round(cast(avg(forecast_degree) as {{ type_numeric() }}), 6) as forecast_degree_mean,
        cast({{ count_if("forecast_method = 'ministry'") }} as integer) as forecast_ministry_count,
        cast({{ count_if("forecast_method in ('linear_trend', 'latest_fact')") }} as integer)
            as forecast_projected_count,
        cast({{ count_if('forecast_degree < ' ~ var('indicator_at_risk_degree')) }} as integer)
            as indicators_at_risk_count

    from forecast_judged
    group by
        year,
        ministry,
        programme_key

)

select * from final
