-- The list behind the headline «Открытые просроченные обращения»: every appeal still open past its
-- deadline as of its source's latest export, with the responsible body and the days overdue, for
-- the dashboards' drill-down and the briefing pack.
--
-- Definitions (the rule per appeal is fct_appeals.is_overdue_open):
--   as_of_at       the source's as-of time: the latest change its newest export describes
--                  (max source_updated_at of the source), the same time is_overdue_open is judged at
--   deadline_date  local date (var source_timezone) of the official deadline
--   days_overdue   whole days from the deadline to as_of_at

-- The dashboards list the overdue appeals longest overdue first (order by days_overdue desc,
-- limit): an index on days_overdue lets that read the first rows instead of sorting the table
-- (issue 14).
{{ config(
    indexes=[{'columns': ['days_overdue']}],
    post_hook="{{ analyze_table(this) }}",
) }}

with

appeals as (

    select * from {{ ref('fct_appeals') }}

),

channels as (

    select * from {{ ref('dim_channel') }}

),

topics as (

    select * from {{ ref('dim_topic') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

municipalities as (

    select * from {{ ref('dim_municipality') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current

),

as_of as (

    select
        appeal_source,
        max(source_updated_at) as as_of_at
    from appeals
    group by appeal_source

),

final as (

    select
        -- keys
        cast(appeals.appeal_source as {{ type_text() }}) as appeal_source,
        cast(appeals.source_appeal_id as bigint) as source_appeal_id,
        cast(appeals.appeal_number as {{ type_text() }}) as appeal_number,
        cast(channels.system_name as {{ type_text() }}) as appeal_source_name,
        cast(appeals.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(appeals.municipality_key as {{ type_text() }}) as municipality_key,
        cast(municipalities.municipality_name as {{ type_text() }}) as municipality_name,
        cast(appeals.organisation_key as {{ type_text() }}) as organisation_key,
        cast(coalesce(organisations.organisation_name, 'Не определено') as {{ type_text() }}) as organisation_name,
        cast(topics.topic_name as {{ type_text() }}) as topic_name,

        -- dates
        {{ month_of('appeals.created_date') }} as month_start,
        cast(appeals.created_date as date) as created_date,
        cast({{ to_source_local('appeals.deadline_at') }} as date) as deadline_date,
        as_of.as_of_at,

        -- measures
        cast(
            floor({{ seconds_between('appeals.deadline_at', 'as_of.as_of_at') }} / 86400) as integer
        ) as days_overdue

    from appeals
    inner join as_of
        on appeals.appeal_source = as_of.appeal_source
    left join channels
        on appeals.channel_key = channels.channel_key
    left join topics
        on appeals.topic_key = topics.topic_key
    left join sectors
        on appeals.sector_code = sectors.sector_code
    left join municipalities
        on appeals.municipality_key = municipalities.municipality_key
    left join organisations
        on appeals.organisation_key = organisations.organisation_key
    where appeals.is_overdue_open

)

select * from final
