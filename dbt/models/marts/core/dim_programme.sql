-- Programme dimension: the state programmes of the Republic of Khakassia that indicators belong to
-- (from the ministries' submissions), plus the member 'unknown' for indicators submitted without a
-- programme. programme_key is an md5 of the programme name.

with

submissions as (

    select * from {{ ref('int_indicators__submissions') }}

),

programmes as (

    select
        programme_key,
        max(state_programme) as programme_name,
        count(distinct indicator_code) as indicator_count,
        min(ministry) as first_ministry,
        count(distinct ministry) as ministry_count
    from submissions
    where programme_key <> 'unknown'
    group by programme_key

),

unknown_member as (

    select
        'unknown' as programme_key,
        'Программа не указана' as programme_name,
        0 as indicator_count,
        cast(null as {{ type_varchar() }}) as first_ministry,
        0 as ministry_count

),

unioned as (

    select * from programmes
    union all
    select * from unknown_member

),

final as (

    select
        -- keys
        programme_key,

        -- dimensions
        programme_name,
        first_ministry as responsible_ministry,
        programme_key = 'unknown' as is_unknown,

        -- measures
        cast(indicator_count as integer) as indicator_count,
        cast(ministry_count as integer) as ministry_count

    from unioned

)

select * from final
