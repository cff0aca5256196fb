-- Weekly activity of official pages, one row per page and week: a week sent again in a later file
-- counts from the latest batch, then the last row.

with

activity as (

    select * from {{ source('pages', 'page_activity') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by trim(page_url), week_start
            order by batch_id desc, source_row desc
        ) as week_rank
    from activity

),

final as (

    select
        -- keys
        trim(page_url) as page_url,
        week_start,
        batch_id,
        source_row,

        -- measures
        followers,
        posts,
        views,
        reactions,
        comments,
        comments_answered,

        -- dates
        last_post_on

    from ranked
    where week_rank = 1

)

select * from final
