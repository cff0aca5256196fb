-- Programme indicators, one row per indicator × period (the latest submission for the period, from
-- fct_indicator_values), with the indicator's names and the year-end view: forecast_degree is the
-- achievement degree of the submitted forecast against the period's plan (same formula as the
-- achievement degree: increase forecast / plan, decrease plan / forecast, capped at var
-- achievement_cap; null without a forecast). Ministries give a forecast on the year row or on the
-- fourth quarter: it is their year-end forecast.

with

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}

),

indicators as (

    select * from {{ ref('dim_indicator') }}

),

programmes as (

    select * from {{ ref('dim_programme') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

final as (

    select
        -- keys
        cast(indicator_values.indicator_code as {{ type_text() }}) as indicator_code,
        cast(indicators.indicator_name as {{ type_text() }}) as indicator_name,
        cast(indicator_values.programme_key as {{ type_text() }}) as programme_key,
        cast(programmes.programme_name as {{ type_text() }}) as programme_name,
        cast(indicator_values.ministry as {{ type_text() }}) as ministry,
        cast(indicator_values.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,

        -- dimensions
        cast(indicators.okei_name as {{ type_text() }}) as okei_name,
        cast(indicator_values.direction as {{ type_text() }}) as direction,
        cast(indicator_values.period_type as {{ type_text() }}) as period_type,
        indicator_values.period_start,
        indicator_values.period_end,
        cast(extract(year from indicator_values.period_start) as integer) as year,

        -- measures
        cast(indicator_values.plan_value as {{ type_numeric() }}) as plan_value,
        cast(indicator_values.fact_value as {{ type_numeric() }}) as fact_value,
        cast(indicator_values.forecast_value as {{ type_numeric() }}) as forecast_value,
        cast(indicator_values.achievement_degree as {{ type_numeric() }}) as achievement_degree,
        cast(indicator_values.achievement_band as {{ type_text() }}) as achievement_band,
        {{ achievement_degree(
            'indicator_values.plan_value', 'indicator_values.forecast_value', 'indicator_values.direction'
        ) }} as forecast_degree,

        -- timestamps
        indicator_values.submitted_at

    from indicator_values
    left join indicators
        on indicator_values.indicator_code = indicators.indicator_code
    left join programmes
        on indicator_values.programme_key = programmes.programme_key
    left join sectors
        on indicator_values.sector_code = sectors.sector_code

)

select * from final
