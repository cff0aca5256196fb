-- Official pages of the bodies (госпаблики) as of the data's as-of date: one row per body and network
-- for every body obliged to keep pages (ОИВ and ОМСУ: 270-ФЗ; «ВКонтакте» and «Одноклассники»: 2523-р),
-- with its page there or none, plus every registered page of another body.
--
-- Definitions:
--   as_of_date            the end of the latest week of activity loaded (the data's date, never now())
--   has_page              the body has a page on this network in the current register
--   has_any_page          the body has a page on some network («орган без страницы» when false)
--   days_since_last_post  as_of_date − the page's latest post (the latest «Последняя публикация»)
--   is_silent             a page with no post for more than var pages_silent_days days before the as-of
--                         date, or none ever (or no activity loaded at all)
--   comments, comments_answered, share_answered   over the weeks loaded; share null when no comment

with

register as (

    select * from {{ ref('stg_pages__register') }}

),

activity as (

    select * from {{ ref('fct_page_activity') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current and organisation_key <> 'unknown'

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

as_of as (

    select max(week_end) as as_of_date from activity

),

networks as (

    select
        'vk' as network_code,
        'ВКонтакте' as network_name
    union all
    select
        'ok' as network_code,
        'Одноклассники' as network_name

),

pages as (

    select
        register.page_url,
        register.network_code,
        register.is_verified,
        coalesce(organisations.organisation_key, 'unknown') as organisation_key
    from register
    left join organisations
        on register.org_inn = organisations.inn

),

page_activity as (

    select
        page_url,
        max(last_post_on) as last_post_on,
        sum(comments) as comments,
        sum(comments_answered) as comments_answered
    from activity
    group by page_url

),

latest_followers as (

    select
        page_url,
        followers,
        row_number() over (partition by page_url order by week_start desc) as week_rank
    from activity

),

obliged as (

    select
        organisations.organisation_key,
        networks.network_code
    from organisations
    cross join networks
    where organisations.organisation_kind in ('ОИВ', 'ОМСУ')

),

obliged_without_page as (

    select
        obliged.organisation_key,
        obliged.network_code
    from obliged
    left join pages
        on
            obliged.organisation_key = pages.organisation_key
            and obliged.network_code = pages.network_code
    where pages.page_url is null

),

slots as (

    -- an obliged body's network without a page, and every registered page
    select
        organisation_key,
        network_code,
        cast(null as {{ type_text() }}) as page_url
    from obliged_without_page
    union all
    select
        organisation_key,
        network_code,
        page_url
    from pages

),

bodies_with_pages as (

    select distinct organisation_key from pages

),

final as (

    select
        -- keys
        cast(slots.organisation_key as {{ type_text() }}) as organisation_key,
        cast(slots.network_code as {{ type_text() }}) as network_code,
        cast(coalesce(slots.page_url, 'none') as {{ type_text() }}) as page_key,
        cast(slots.page_url as {{ type_text() }}) as page_url,

        -- dimensions
        cast(coalesce(organisations.organisation_name, 'Не определено') as {{ type_text() }}) as organisation_name,
        cast(organisations.organisation_kind as {{ type_text() }}) as organisation_kind,
        cast(coalesce(organisations.organisation_kind in ('ОИВ', 'ОМСУ'), false) as boolean) as is_obliged,
        cast(coalesce(organisations.sector_code, 'undefined') as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(networks.network_name as {{ type_text() }}) as network_name,
        cast(slots.page_url is not null as boolean) as has_page,
        cast(bodies_with_pages.organisation_key is not null as boolean) as has_any_page,
        cast(pages.is_verified as boolean) as is_verified,

        -- measures
        cast(latest_followers.followers as integer) as followers,
        cast(page_activity.last_post_on as date) as last_post_on,
        cast(
            case
                when slots.page_url is not null and page_activity.last_post_on is not null
                    then {{ dbt.datediff('page_activity.last_post_on', 'as_of.as_of_date', 'day') }}
            end as integer
        ) as days_since_last_post,
        cast(
            slots.page_url is not null
            and (
                page_activity.last_post_on is null
                or {{ dbt.datediff('page_activity.last_post_on', 'as_of.as_of_date', 'day') }}
                > {{ var('pages_silent_days') }}
            ) as boolean
        ) as is_silent,
        cast(coalesce(page_activity.comments, 0) as integer) as comments,
        cast(coalesce(page_activity.comments_answered, 0) as integer) as comments_answered,
        {{ share('page_activity.comments_answered', 'page_activity.comments') }} as share_answered,

        -- dates
        cast(as_of.as_of_date as date) as as_of_date

    from slots
    cross join as_of
    inner join networks
        on slots.network_code = networks.network_code
    left join organisations
        on slots.organisation_key = organisations.organisation_key
    left join sectors
        on coalesce(organisations.sector_code, 'undefined') = sectors.sector_code
    left join pages
        on slots.page_url = pages.page_url
    left join page_activity
        on slots.page_url = page_activity.page_url
    left join latest_followers
        on
            slots.page_url = latest_followers.page_url
            and latest_followers.week_rank = 1
    left join bodies_with_pages
        on slots.organisation_key = bodies_with_pages.organisation_key

)

select * from final
