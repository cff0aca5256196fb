-- Every channel residents use, per month × sector × channel: ПОС, social media (Инцидент Менеджмент),
-- written appeals (59-ФЗ, EDMS) and the regional participation platform, with a «unique problems»
-- measure that counts the same person or the same address on several channels once.
--
-- Rules (the model's YAML says the same):
--   month           local creation / registration date of the appeal
--   platform items  a message matched to its ПОС appeal (fct_platform_messages.is_counted_in_pos) is
--                   counted once, in ПОС, never on the platform row (matched_elsewhere_count says how
--                   many were left out there)
--   problem key     the person when known (the pseudonymised phone, else e-mail: ПОС applicant,
--                   written correspondent, platform author; IM: the author's profile key), else the
--                   address key, else the appeal itself
--   unique problem  within one sector and month, the appeals sharing a problem key are one problem;
--                   it is counted on the channel of its earliest appeal (ties: ПОС, social media,
--                   written, platform), so unique_problems_count adds up over channels to the
--                   sector's unique problems of the month

with

fct_appeals as (

    select * from {{ ref('fct_appeals') }}

),

unioned as (

    select * from {{ ref('int_appeals__unioned') }}

),

written as (

    select * from {{ ref('fct_written_appeals') }}

),

platform as (

    select * from {{ ref('fct_platform_messages') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

all_appeals as (

    select
        case when fct_appeals.appeal_source = 'pos' then 'pos' else 'social' end as channel_group,
        fct_appeals.sector_code,
        fct_appeals.created_date as appeal_date,
        -- ПОС: the phone, else the e-mail, else the applicant key; IM: the author (int_appeals__unioned)
        unioned.contact_key as person_key,
        unioned.address_key,
        fct_appeals.appeal_source || '-' || cast(fct_appeals.source_appeal_id as {{ type_varchar() }}) as item_key
    from fct_appeals
    inner join unioned
        on
            fct_appeals.appeal_source = unioned.appeal_source
            and fct_appeals.source_appeal_id = unioned.source_appeal_id
    union all
    select
        'written' as channel_group,
        sector_code,
        registered_on as appeal_date,
        person_key,
        address_key,
        'written-' || cast(appeal_id as {{ type_varchar() }}) as item_key
    from written
    union all
    select
        'platform' as channel_group,
        sector_code,
        created_date as appeal_date,
        person_key,
        address_key,
        'platform-' || cast(item_id as {{ type_varchar() }}) as item_key
    from platform
    where not is_counted_in_pos

),

keyed as (

    select
        *,
        {{ month_of('appeal_date') }} as month_start,
        coalesce('person:' || person_key, 'address:' || address_key, 'item:' || item_key) as problem_key,
        case channel_group when 'pos' then 1 when 'social' then 2 when 'written' then 3 else 4 end
            as channel_order
    from all_appeals

),

ranked as (

    select
        *,
        row_number() over (
            partition by sector_code, month_start, problem_key
            order by appeal_date, channel_order, item_key
        ) as problem_rank
    from keyed

),

aggregated as (

    select
        month_start,
        sector_code,
        channel_group,
        count(*) as appeals_count,
        {{ count_if('problem_rank = 1') }} as unique_problems_count,
        {{ count_if("person_key is not null") }} as with_person_count
    from ranked
    group by month_start, sector_code, channel_group

),

matched_elsewhere as (

    select
        {{ month_of('created_date') }} as month_start,
        sector_code,
        'platform' as channel_group,
        count(*) as matched_elsewhere_count
    from platform
    where is_counted_in_pos
    group by {{ month_of('created_date') }}, sector_code

),

combined as (

    -- a month and sector may have matched platform messages and no platform item left: the row is kept
    select
        month_start,
        sector_code,
        channel_group,
        appeals_count,
        unique_problems_count,
        with_person_count,
        0 as matched_elsewhere_count
    from aggregated
    union all
    select
        month_start,
        sector_code,
        channel_group,
        0 as appeals_count,
        0 as unique_problems_count,
        0 as with_person_count,
        matched_elsewhere_count
    from matched_elsewhere

),

summed as (

    select
        month_start,
        sector_code,
        channel_group,
        sum(appeals_count) as appeals_count,
        sum(unique_problems_count) as unique_problems_count,
        sum(with_person_count) as with_person_count,
        sum(matched_elsewhere_count) as matched_elsewhere_count
    from combined
    group by month_start, sector_code, channel_group

),

final as (

    select
        -- keys
        summed.month_start,
        cast(summed.sector_code as {{ type_text() }}) as sector_code,
        cast(summed.channel_group as {{ type_text() }}) as channel_group,

        -- dimensions
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(case summed.channel_group
            when 'pos' then 'ПОС'
            when 'social' then 'Соцсети (Инцидент Менеджмент)'
            when 'written' then 'Письменные обращения'
            else 'Платформа региона'
        end as {{ type_text() }}) as channel_name,

        -- measures
        cast(summed.appeals_count as integer) as appeals_count,
        cast(summed.unique_problems_count as integer) as unique_problems_count,
        cast(summed.with_person_count as integer) as with_person_count,
        cast(summed.matched_elsewhere_count as integer) as matched_elsewhere_count

    from summed
    left join sectors
        on summed.sector_code = sectors.sector_code

)

select * from final
