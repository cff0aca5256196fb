-- Applicants' satisfaction with the answers (the response survey, ratings 1–5) by month × source ×
-- body × sector: how many answered appeals were rated, the mean rating and the shares of good (4–5)
-- and bad (1–2) ratings. The ratings are those of fct_appeals (the latest rating of each appeal,
-- stg_surveys__ratings), so the numbers agree with the ratings KPI of kpi_appeals.
--
-- Definitions:
--   month_start          month of the appeal's local creation date (the cohort kpi_appeals uses)
--   answered_count       appeals with a first response
--   rated_count          appeals with a rating
--   share_rated          rated_count / answered_count: how many answered applicants rated (null: none
--                        answered)
--   average_rating       rating_sum / rated_count (null: none rated)
--   share_rated_4_5      rated_4_5_count / rated_count, against var rating_target_share
--   share_rated_1_2      rated_1_2_count / rated_count

with

appeals as (

    select * from {{ ref('fct_appeals') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current

),

aggregated as (

    select
        {{ month_of('created_date') }} as month_start,
        appeal_source,
        organisation_key,
        sector_code,
        {{ count_if('first_response_at is not null') }} as answered_count,
        count(rating) as rated_count,
        sum(rating) as rating_sum,
        {{ count_if('rating >= 4') }} as rated_4_5_count,
        {{ count_if('rating <= 2') }} as rated_1_2_count
    from appeals
    group by
        {{ month_of('created_date') }},
        appeal_source,
        organisation_key,
        sector_code

),

final as (

    select
        -- keys
        aggregated.month_start,
        cast(aggregated.appeal_source as {{ type_text() }}) as appeal_source,
        cast(aggregated.organisation_key as {{ type_text() }}) as organisation_key,
        cast(coalesce(organisations.organisation_name, 'Не определено') as {{ type_text() }}) as organisation_name,
        cast(organisations.organisation_kind as {{ type_text() }}) as organisation_kind,
        cast(aggregated.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,

        -- measures
        cast(aggregated.answered_count as integer) as answered_count,
        cast(aggregated.rated_count as integer) as rated_count,
        cast(coalesce(aggregated.rating_sum, 0) as integer) as rating_sum,
        cast(aggregated.rated_4_5_count as integer) as rated_4_5_count,
        cast(aggregated.rated_1_2_count as integer) as rated_1_2_count,
        {{ share('aggregated.rated_count', 'aggregated.answered_count') }} as share_rated,
        {{ share('aggregated.rating_sum', 'aggregated.rated_count', 4) }} as average_rating,
        {{ share('aggregated.rated_4_5_count', 'aggregated.rated_count') }} as share_rated_4_5,
        {{ share('aggregated.rated_1_2_count', 'aggregated.rated_count') }} as share_rated_1_2,
        cast({{ var('rating_target_share') }} as {{ type_numeric() }}) as target_share_rated_4_5

    from aggregated
    left join sectors
        on aggregated.sector_code = sectors.sector_code
    left join organisations
        on aggregated.organisation_key = organisations.organisation_key

)

select * from final
