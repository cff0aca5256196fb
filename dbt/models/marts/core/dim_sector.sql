-- Sector dimension (отраслевые блоки): the nine sectors of the regulations plus the explicit
-- 'undefined' bucket («Не определено»), where appeals, decisions and indicators without a sector are
-- counted and shown.

with

sectors as (

    select * from {{ ref('ref_sectors') }}

),

final as (

    select
        -- keys
        sector_code,
        nullif(trim(responsible_org_code), '') as responsible_organisation_key,

        -- dimensions
        sector_name,
        nullif(trim(responsible_body), '') as responsible_body,
        cast(sort_order as integer) as sort_order,
        sector_code = 'undefined' as is_undefined

    from sectors

)

select * from final
