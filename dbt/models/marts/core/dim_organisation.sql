-- Organisation dimension: the bodies that handle appeals and execute поручения — ОИВ (ministries,
-- committees, inspection), ОМСУ (municipal administrations) and РСО (utilities) — with their history
-- from the snapshot snap_organisations (one row per version, is_current for the current one), plus
-- the unknown member 'unknown' for appeals and executors that match no organisation.
-- organisation_key is the durable key (org_code) the facts carry; organisation_version_key is unique.

with

versions as (

    select * from {{ ref('snap_organisations') }}

),

known as (

    select
        dbt_scd_id as organisation_version_key,
        org_code as organisation_key,
        coalesce(nullif(trim(sector_code), ''), 'undefined') as sector_code,
        coalesce(cast(oktmo as {{ type_varchar() }}), 'unknown') as municipality_key,
        org_name as organisation_name,
        org_kind as organisation_kind,
        case org_kind
            when 'ОИВ' then 'executive_body'
            when 'ОМСУ' then 'local_government'
            when 'РСО' then 'utility'
        end as organisation_kind_code,
        cast(inn as {{ type_varchar() }}) as inn,
        cast(kpp as {{ type_varchar() }}) as kpp,
        cast(ogrn as {{ type_varchar() }}) as ogrn,
        cast(delo_due as {{ type_varchar() }}) as delo_due,
        address,
        dbt_valid_to is null as is_current,
        dbt_valid_from as valid_from,
        dbt_valid_to as valid_to
    from versions

),

unknown_member as (

    select
        'unknown' as organisation_version_key,
        'unknown' as organisation_key,
        'undefined' as sector_code,
        'unknown' as municipality_key,
        'Не определено' as organisation_name,
        cast(null as {{ type_varchar() }}) as organisation_kind,
        cast(null as {{ type_varchar() }}) as organisation_kind_code,
        cast(null as {{ type_varchar() }}) as inn,
        cast(null as {{ type_varchar() }}) as kpp,
        cast(null as {{ type_varchar() }}) as ogrn,
        cast(null as {{ type_varchar() }}) as delo_due,
        cast(null as {{ type_varchar() }}) as address,
        true as is_current,
        cast(null as timestamp) as valid_from,
        cast(null as timestamp) as valid_to

),

unioned as (

    select * from known
    union all
    select * from unknown_member

),

final as (

    select
        -- keys
        organisation_version_key,
        organisation_key,
        sector_code,
        municipality_key,

        -- dimensions
        organisation_name,
        organisation_kind,
        organisation_kind_code,
        inn,
        kpp,
        ogrn,
        delo_due,
        address,
        is_current,

        -- timestamps
        valid_from,
        valid_to

    from unioned

)

select * from final
