-- Appeals per municipality and month with the municipality's population: the per-10 000-residents
-- rate and how each appeal was placed, from fct_appeals (the place of an appeal: int_appeals__places).
--
-- Definitions:
--   month_start                  month of the appeal's local creation date
--   municipality                 where the appeal happened (its location; the answering body only
--                                without one); 'unknown' («Не определено») when undetermined
--   appeals_per_10k_residents    appeals_count × var rate_per_residents (10 000) / population; null
--                                when the population is not known (and for «Не определено»)
--   placed_by_*_count            appeals placed by their location, by their answering body, or not
--                                placed (undetermined): the quality of the placement

with

appeals as (

    select * from {{ ref('fct_appeals') }}

),

municipalities as (

    select * from {{ ref('dim_municipality') }}

),

aggregated as (

    select
        {{ month_of('created_date') }} as month_start,
        appeal_source,
        municipality_key,
        count(*) as appeals_count,
        {{ count_if("municipality_method = 'location'") }} as placed_by_location_count,
        {{ count_if("municipality_method = 'organisation'") }} as placed_by_organisation_count,
        {{ count_if("municipality_method = 'undetermined'") }} as undetermined_count
    from appeals
    group by
        {{ month_of('created_date') }},
        appeal_source,
        municipality_key

),

final as (

    select
        -- keys
        aggregated.month_start,
        cast(aggregated.appeal_source as {{ type_text() }}) as appeal_source,
        cast(aggregated.municipality_key as {{ type_text() }}) as municipality_key,
        cast(municipalities.municipality_name as {{ type_text() }}) as municipality_name,
        cast(municipalities.centre_latitude as {{ type_double() }}) as centre_latitude,
        cast(municipalities.centre_longitude as {{ type_double() }}) as centre_longitude,

        -- measures
        cast(municipalities.population as bigint) as population,
        cast(municipalities.population_date as date) as population_date,
        cast(aggregated.appeals_count as integer) as appeals_count,
        cast(aggregated.placed_by_location_count as integer) as placed_by_location_count,
        cast(aggregated.placed_by_organisation_count as integer) as placed_by_organisation_count,
        cast(aggregated.undetermined_count as integer) as undetermined_count,
        case
            when municipalities.population > 0
                then round(
                    cast(aggregated.appeals_count as {{ type_numeric() }}) * {{ var('rate_per_residents') }}
                    / cast(municipalities.population as {{ type_numeric() }}),
                    4
                )
        end as appeals_per_10k_residents

    from aggregated
    left join municipalities
        on aggregated.municipality_key = municipalities.municipality_key

)

select * from final
