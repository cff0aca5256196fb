-- Participation-platform messages and initiatives per month × kind × status × sector × municipality,
-- with the messages forwarded to ПОС and how many of them were matched to their ПОС appeal (and so
-- counted once, in ПОС): the rule is fct_platform_messages'.

with

items as (

    select * from {{ ref('fct_platform_messages') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

municipalities as (

    select * from {{ ref('dim_municipality') }}

),

aggregated as (

    select
        {{ month_of('created_date') }} as month_start,
        item_kind,
        status_code,
        status_label,
        sector_code,
        municipality_key,
        count(*) as items_count,
        {{ count_if('is_forwarded_to_pos') }} as forwarded_to_pos_count,
        {{ count_if("pos_match = 'matched'") }} as matched_to_pos_count,
        {{ count_if("pos_match = 'unmatched'") }} as unmatched_to_pos_count,
        {{ count_if('is_answered') }} as answered_count,
        sum(coalesce(votes, 0)) as votes_sum
    from items
    group by
        {{ month_of('created_date') }},
        item_kind,
        status_code,
        status_label,
        sector_code,
        municipality_key

),

final as (

    select
        -- keys
        aggregated.month_start,
        cast(aggregated.item_kind as {{ type_text() }}) as item_kind,
        cast(aggregated.status_code as {{ type_text() }}) as status_code,
        cast(aggregated.sector_code as {{ type_text() }}) as sector_code,
        cast(aggregated.municipality_key as {{ type_text() }}) as municipality_key,

        -- dimensions
        cast(case aggregated.item_kind when 'message' then 'Сообщение' else 'Инициатива' end as {{ type_text() }})
            as item_kind_name,
        cast(aggregated.status_label as {{ type_text() }}) as status_name,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(municipalities.municipality_name as {{ type_text() }}) as municipality_name,

        -- measures
        cast(aggregated.items_count as integer) as items_count,
        cast(aggregated.forwarded_to_pos_count as integer) as forwarded_to_pos_count,
        cast(aggregated.matched_to_pos_count as integer) as matched_to_pos_count,
        cast(aggregated.unmatched_to_pos_count as integer) as unmatched_to_pos_count,
        cast(aggregated.answered_count as integer) as answered_count,
        cast(aggregated.votes_sum as bigint) as votes_sum,
        {{ share('aggregated.matched_to_pos_count', 'aggregated.forwarded_to_pos_count') }}
            as pos_match_rate

    from aggregated
    left join sectors
        on aggregated.sector_code = sectors.sector_code
    left join municipalities
        on aggregated.municipality_key = municipalities.municipality_key

)

select * from final
