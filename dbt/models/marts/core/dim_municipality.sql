-- Municipality dimension: the 13 municipalities of the Republic of Khakassia (5 городских округов,
-- 8 муниципальных районов) keyed by OKTMO, plus the explicit unknown member 'unknown' for appeals and
-- organisations whose municipality is not known.

with

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

known as (

    select
        cast(oktmo as varchar) as municipality_key,
        cast(oktmo as varchar) as oktmo,
        cast(okato as varchar) as okato,
        name as municipality_name,
        short_name as municipality_short_name,
        type as municipality_type,
        case type
            when 'городской округ' then 'urban_district'
            when 'муниципальный район' then 'municipal_district'
        end as municipality_type_code,
        admin_centre,
        false as is_unknown
    from municipalities

),

unknown_member as (

    select
        'unknown' as municipality_key,
        cast(null as varchar) as oktmo,
        cast(null as varchar) as okato,
        'Не определено' as municipality_name,
        'Не определено' as municipality_short_name,
        cast(null as varchar) as municipality_type,
        cast(null as varchar) as municipality_type_code,
        cast(null as varchar) as admin_centre,
        true as is_unknown

),

final as (

    select * from known
    union all
    select * from unknown_member

)

select * from final
