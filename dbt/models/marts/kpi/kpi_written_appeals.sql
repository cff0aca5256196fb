-- Written appeals (59-ФЗ) per month × sector × classifier section × executing body × municipality:
-- volumes, the 30-day answer term with extensions, the 7-day forwarding term, open and overdue
-- appeals, and the results, from fct_written_appeals (whose YAML holds the rules).

with

appeals as (

    select * from {{ ref('fct_written_appeals') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

municipalities as (

    select * from {{ ref('dim_municipality') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current

),

aggregated as (

    select
        {{ month_of('registered_on') }} as month_start,
        sector_code,
        topic_section_code,
        topic_section_name,
        organisation_key,
        municipality_key,
        count(*) as appeals_count,
        {{ count_if("rubric_match = 'unmapped'") }} as unmapped_count,
        {{ count_if('is_answered') }} as answered_count,
        {{ count_if('answered_on_time') }} as answered_on_time_count,
        {{ count_if('is_extended') }} as extended_count,
        {{ count_if('is_forwarded') }} as forwarded_count,
        {{ count_if('forwarded_on_time') }} as forwarded_on_time_count,
        {{ count_if('is_open') }} as open_count,
        {{ count_if('is_overdue_open') }} as open_overdue_count,
        {{ count_if("result_code = 'supported'") }} as supported_count,
        {{ count_if("result_code = 'measures_taken'") }} as measures_taken_count,
        {{ count_if("result_code = 'explained'") }} as explained_count,
        {{ count_if("result_code = 'not_supported'") }} as not_supported_count,
        {{ count_if("result_code = 'left_unanswered'") }} as left_unanswered_count
    from appeals
    group by
        {{ month_of('registered_on') }},
        sector_code,
        topic_section_code,
        topic_section_name,
        organisation_key,
        municipality_key

),

final as (

    select
        -- keys
        aggregated.month_start,
        cast(aggregated.sector_code as {{ type_text() }}) as sector_code,
        cast(aggregated.topic_section_code as {{ type_text() }}) as topic_section_code,
        cast(aggregated.organisation_key as {{ type_text() }}) as organisation_key,
        cast(aggregated.municipality_key as {{ type_text() }}) as municipality_key,

        -- dimensions
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(aggregated.topic_section_name as {{ type_text() }}) as topic_section_name,
        cast(coalesce(organisations.organisation_name, 'Не определено') as {{ type_text() }}) as organisation_name,
        cast(municipalities.municipality_name as {{ type_text() }}) as municipality_name,

        -- measures
        cast(aggregated.appeals_count as integer) as appeals_count,
        cast(aggregated.unmapped_count as integer) as unmapped_count,
        cast(aggregated.answered_count as integer) as answered_count,
        cast(aggregated.answered_on_time_count as integer) as answered_on_time_count,
        cast(aggregated.extended_count as integer) as extended_count,
        cast(aggregated.forwarded_count as integer) as forwarded_count,
        cast(aggregated.forwarded_on_time_count as integer) as forwarded_on_time_count,
        cast(aggregated.open_count as integer) as open_count,
        cast(aggregated.open_overdue_count as integer) as open_overdue_count,
        cast(aggregated.supported_count as integer) as supported_count,
        cast(aggregated.measures_taken_count as integer) as measures_taken_count,
        cast(aggregated.explained_count as integer) as explained_count,
        cast(aggregated.not_supported_count as integer) as not_supported_count,
        cast(aggregated.left_unanswered_count as integer) as left_unanswered_count

    from aggregated
    left join sectors
        on aggregated.sector_code = sectors.sector_code
    left join municipalities
        on aggregated.municipality_key = municipalities.municipality_key
    left join organisations
        on aggregated.organisation_key = organisations.organisation_key

)

select * from final
