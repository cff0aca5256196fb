-- The current register of official pages: the rows of the latest register file loaded (each file is
-- the whole register as of its date), one row per page.

with

register as (

    select * from {{ source('pages', 'page_register') }}

),

latest as (

    select max(batch_id) as batch_id from register

),

final as (

    select
        -- keys
        trim(register.page_url) as page_url,
        trim(register.org_inn) as org_inn,
        register.batch_id,
        register.source_row,

        -- dimensions
        {{ map_values('register.network', {'ВКонтакте': 'vk', 'Одноклассники': 'ok'}) }} as network_code,
        register.network as network_name,
        nullif(trim(register.org_name), '') as org_name,
        nullif(trim(register.page_name), '') as page_name,
        {{ yes_no_to_boolean('register.verified_mark') }} as is_verified,
        register.registered_on

    from register
    inner join latest
        on register.batch_id = latest.batch_id

)

select * from final
