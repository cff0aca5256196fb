-- Weekly activity of official pages with their body and sector: posts, views, reactions, residents'
-- comments and the share answered, one row per page and week.
--
-- Definitions:
--   share_answered   comments_answered / comments; null when the week had no comment (undefined,
--                    neither 0 nor 100 %)

with

activity as (

    select * from {{ ref('fct_page_activity') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

final as (

    select
        -- keys
        activity.page_url,
        activity.week_start,
        activity.organisation_key,
        cast(coalesce(organisations.organisation_name, 'Не определено') as {{ type_text() }}) as organisation_name,
        cast(organisations.organisation_kind as {{ type_text() }}) as organisation_kind,
        cast(coalesce(organisations.sector_code, 'undefined') as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        activity.network_code,
        cast(case activity.network_code when 'vk' then 'ВКонтакте' else 'Одноклассники' end as {{ type_text() }})
            as network_name,

        -- measures
        activity.followers,
        activity.posts,
        activity.views,
        activity.reactions,
        activity.comments,
        activity.comments_answered,
        {{ share('activity.comments_answered', 'activity.comments') }} as share_answered

    from activity
    left join organisations
        on activity.organisation_key = organisations.organisation_key
    left join sectors
        on coalesce(organisations.sector_code, 'undefined') = sectors.sector_code

)

select * from final
