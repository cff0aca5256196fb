-- Municipality dimension: the 13 municipalities of the Republic of Khakassia (5 городских округов,
-- 8 муниципальных районов) keyed by OKTMO, plus the explicit unknown member 'unknown' for appeals and
-- organisations whose municipality is not known. population / population_date: Rosstat's resident
-- population estimate (seed ref_municipality_population; null where not verified).

with

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

populations as (

    select * from {{ ref('ref_municipality_population') }}

),

known as (

    select
        cast(municipalities.oktmo as {{ type_varchar() }}) as municipality_key,
        cast(municipalities.oktmo as {{ type_varchar() }}) as oktmo,
        cast(municipalities.okato as {{ type_varchar() }}) as okato,
        municipalities.name as municipality_name,
        municipalities.short_name as municipality_short_name,
        municipalities.type as municipality_type,
        case municipalities.type
            when 'городской округ' then 'urban_district'
            when 'муниципальный район' then 'municipal_district'
        end as municipality_type_code,
        municipalities.admin_centre,
        cast(populations.population as bigint) as population,
        cast(populations.population_date as date) as population_date,
        cast(municipalities.centre_latitude as {{ type_double() }}) as centre_latitude,
        cast(municipalities.centre_longitude as {{ type_double() }}) as centre_longitude,
        false as is_unknown
    from municipalities
    left join populations
        on cast(municipalities.oktmo as {{ type_varchar() }}) = cast(populations.oktmo as {{ type_varchar() }})

),

unknown_member as (

    select
        'unknown' as municipality_key,
        cast(null as {{ type_varchar() }}) as oktmo,
        cast(null as {{ type_varchar() }}) as okato,
        'Не определено' as municipality_name,
        'Не определено' as municipality_short_name,
        cast(null as {{ type_varchar() }}) as municipality_type,
        cast(null as {{ type_varchar() }}) as municipality_type_code,
        cast(null as {{ type_varchar() }}) as admin_centre,
        cast(null as bigint) as population,
        cast(null as date) as population_date,
        cast(null as {{ type_double() }}) as centre_latitude,
        cast(null as {{ type_double() }}) as centre_longitude,
        true as is_unknown

),

final as (

    select * from known
    union all
    select * from unknown_member

)

select * from final
