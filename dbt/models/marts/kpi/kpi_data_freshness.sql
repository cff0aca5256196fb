-- Freshness per source family for the data quality dashboard: one row for each of pos, im, surveys,
-- delo, indicators, written, platform and pages, even before its first load (then the counts are 0
-- and the dates null).
--   batches_count, rows_*   over the source's LOADED batches (failed and rejected files are in
--                           kpi_source_loads)
--   last_loaded_at          when the last loaded batch finished
--   data_as_of              the latest business date in the data: ПОС and IM the latest local creation
--                           date of an appeal, surveys the latest local date of a rating, «Дело» the
--                           date of the latest export, indicators the end of the latest period with a
--                           reported fact, written appeals the latest registration date, the
--                           platform the latest local creation date, pages the end of the latest
--                           week of activity

with

sources as (

    {% for code in source_codes() %}
        select '{{ code }}' as source
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

batches as (

    select
        source,
        count(*) as batches_count,
        max(finished_at) as last_loaded_at,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined
    from {{ ref('stg_loads__batches') }}
    where is_loaded
    group by source

),

business_dates as (

    select
        appeal_source as source,
        max(created_date) as data_as_of
    from {{ ref('fct_appeals') }}
    group by appeal_source
    union all
    select
        'surveys' as source,
        max(cast({{ to_source_local('rated_at') }} as date)) as data_as_of
    from {{ ref('stg_surveys__ratings') }}
    union all
    select
        'delo' as source,
        max(export_date) as data_as_of
    from {{ ref('fct_decisions') }}
    union all
    select
        'written' as source,
        max(registered_on) as data_as_of
    from {{ ref('fct_written_appeals') }}
    union all
    select
        'platform' as source,
        max(created_date) as data_as_of
    from {{ ref('fct_platform_messages') }}
    union all
    select
        'indicators' as source,
        max(period_end) as data_as_of
    from {{ ref('fct_indicator_values') }}
    where fact_value is not null
    union all
    select
        'pages' as source,
        max(week_end) as data_as_of
    from {{ ref('fct_page_activity') }}

),

final as (

    select
        -- keys
        cast(sources.source as {{ type_text() }}) as source,
        cast({{ source_name('sources.source') }} as {{ type_text() }}) as source_name,

        -- measures
        cast(coalesce(batches.batches_count, 0) as integer) as batches_count,

        -- timestamps
        batches.last_loaded_at,
        business_dates.data_as_of,

        -- measures
        cast(coalesce(batches.rows_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(batches.rows_quarantined, 0) as bigint) as rows_quarantined

    from sources
    left join batches
        on sources.source = batches.source
    left join business_dates
        on sources.source = business_dates.source

)

select * from final
