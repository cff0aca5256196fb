-- Weekly activity of the bodies' official pages, one row per page and week, with the body
-- (dim_organisation by the register's ИНН; 'unknown' when the page is not in the current register or
-- its ИНН matches no body) and the network.

with

activity as (

    select * from {{ ref('stg_pages__activity') }}

),

register as (

    select * from {{ ref('stg_pages__register') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current and organisation_key <> 'unknown'

),

final as (

    select
        -- keys
        cast(activity.page_url as {{ type_text() }}) as page_url,
        cast(activity.week_start as date) as week_start,
        cast(coalesce(organisations.organisation_key, 'unknown') as {{ type_text() }}) as organisation_key,
        cast(
            coalesce(
                register.network_code,
                case when activity.page_url like '%ok.ru/%' then 'ok' else 'vk' end
            ) as {{ type_text() }}
        ) as network_code,
        cast(activity.batch_id as bigint) as batch_id,

        -- measures
        cast(activity.followers as integer) as followers,
        cast(coalesce(activity.posts, 0) as integer) as posts,
        cast(coalesce(activity.views, 0) as bigint) as views,
        cast(coalesce(activity.reactions, 0) as integer) as reactions,
        cast(coalesce(activity.comments, 0) as integer) as comments,
        cast(coalesce(activity.comments_answered, 0) as integer) as comments_answered,

        -- dates
        cast(activity.last_post_on as date) as last_post_on,
        cast({{ dbt.dateadd('day', 6, 'activity.week_start') }} as date) as week_end

    from activity
    left join register
        on activity.page_url = register.page_url
    left join organisations
        on register.org_inn = organisations.inn

)

select * from final
