{#-
    Helpers of the KPI marts (models/marts/kpi/).

    share(numerator, denominator): numerator / denominator as a 0..1 numeric rounded to 6 decimals;
    null when the denominator is 0 or null (a share of nothing is unknown, not 0).
-#}
{% macro share(numerator, denominator, scale=6) -%}
    {%- set numeric = type_numeric() -%}
    case
        when coalesce({{ denominator }}, 0) <> 0
            then round(cast({{ numerator }} as {{ numeric }}) / cast({{ denominator }} as {{ numeric }}), {{ scale }})
    end
{%- endmacro %}

{#- Count of rows where a boolean condition holds (portable: no FILTER clause). -#}
{% macro count_if(condition) -%}
    sum(case when {{ condition }} then 1 else 0 end)
{%- endmacro %}

{#- The first day of the month of a date, as a date (dbt cross-database date_trunc). -#}
{% macro month_of(date_expr) -%}
    cast({{ dbt.date_trunc('month', date_expr) }} as date)
{%- endmacro %}

{#- Median of a numeric expression (ordered-set aggregate, SQL:2008; PostgreSQL, Snowflake …). -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'cur_dwh')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{#- Spark: the exact percentile, interpolated between the two middle values as percentile_cont is. -#}
{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#-
    Achievement degree of a value against a plan, as int_indicators__submissions computes it:
    increase value / plan (plan above 0; a value of 0 is 0), decrease plan / value (a value of 0 is
    fully achieved), capped at var achievement_cap, 6 decimals; null when either is missing or
    negative, for an increasing indicator with a plan of 0, or when the direction is unknown (least()
    would skip a null ratio).
-#}
{% macro achievement_degree(plan_value, value, direction) -%}
    {%- set numeric = type_numeric() -%}
    case
        when {{ plan_value }} > 0 and {{ value }} >= 0 and {{ direction }} = 'increase'
            then round(cast(least({{ value }} / {{ plan_value }}, {{ var('achievement_cap') }}) as {{ numeric }}), 6)
        when {{ plan_value }} >= 0 and {{ value }} = 0 and {{ direction }} = 'decrease'
            then round(cast({{ var('achievement_cap') }} as {{ numeric }}), 6)
        when {{ plan_value }} >= 0 and {{ value }} > 0 and {{ direction }} = 'decrease'
            then round(cast(least({{ plan_value }} / {{ value }}, {{ var('achievement_cap') }}) as {{ numeric }}), 6)
    end
{%- endmacro %}

{#- Band of an achievement degree: high / medium / low by vars achievement_band_high / _medium. -#}
{% macro achievement_band(degree) -%}
    case
        when {{ degree }} >= {{ var('achievement_band_high') }} then 'high'
        when {{ degree }} >= {{ var('achievement_band_medium') }} then 'medium'
        when {{ degree }} is not null then 'low'
    end
{%- endmacro %}

{#- Russian label of a source family code (pos, im, delo, indicators, surveys, written, platform, pages), for the data quality dashboard. -#}
{% macro source_name(source_expr) -%}
    {%- set names = {
        'pos': 'ПОС',
        'im': 'Инцидент Менеджмент',
        'delo': 'СЭД «Дело»',
        'indicators': 'Показатели госпрограмм',
        'surveys': 'Опросы о качестве ответов',
        'written': 'Письменные обращения (СЭД)',
        'platform': 'Платформа обратной связи региона',
        'pages': 'Официальные страницы органов',
    } -%}
    case {{ source_expr }}
        {%- for code, name in names.items() %}
        when '{{ code }}' then '{{ name }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- The source family codes, in display order (kpi_data_freshness lists every one, loaded or not). -#}
{% macro source_codes() -%}
    {{ return(['pos', 'im', 'surveys', 'delo', 'indicators', 'written', 'platform', 'pages']) }}
{%- endmacro %}
