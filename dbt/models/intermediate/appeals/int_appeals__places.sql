-- Where an appeal happened: one row per appeal (grain of int_appeals__unioned: appeal_source +
-- source_appeal_id) with its municipality and how it was found.
--
-- Rules (documented in dbt/README.md, "Where an appeal happened"):
--   1. location text  ПОС Location.Address; IM «Муниципалитет», locality, street (the place of the
--                     incident). The text is normalised (macro normalise_place: lower case, ё as е,
--                     punctuation except the hyphen as blanks) and searched, as whole words, for the
--                     names of the OKTMO reference: the short name («Абакан», «Аскизский») and the
--                     administrative centre without its prefix («Бея», «Белый Яр»). Platform
--                     spellings such as «Абакан г.», «г. Абакан», «Абакан г.о.», «городской округ
--                     город Абакан», «Аскизский р-н» all contain the short name; «Усть-Абакан» is one
--                     word and not «Абакан». When several municipalities are named, the one named
--                     first wins (addresses go from the general to the particular).
--   2. coordinates    ПОС Location latitude/longitude when the text names none: the municipality of
--                     the nearest administrative centre within var place_max_distance_km.
--   3. organisation   only when the appeal has no location at all (no text, no coordinates): the
--                     answering body's OKTMO (ПОС OrganizationInfo.Oktmo, first 8 digits; else the
--                     organisation reference by INN or name). A ministry has none.
--   otherwise         'unknown' («Не определено»), municipality_method 'undetermined'.
-- municipality_method: 'location' (1 or 2), 'organisation' (3), 'undetermined'; place_source says
-- which part: 'address', 'coordinates', 'organisation', 'none'.

with

pos_appeals as (

    select * from {{ ref('stg_pos__appeals') }}

),

im_incidents as (

    select * from {{ ref('stg_im__incidents') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

organisations as (

    select * from {{ ref('ref_organisations') }}

),

located as (

    select
        'pos' as appeal_source,
        pos_appeals.appeal_id as source_appeal_id,
        nullif(trim(pos_appeals.location_address), '') as location_text,
        cast(pos_appeals.location_latitude as double precision) as latitude,
        cast(pos_appeals.location_longitude as double precision) as longitude,
        left(nullif(trim(pos_appeals.org_oktmo), ''), 8) as body_oktmo,
        cast(pos_appeals.org_inn as varchar) as body_inn,
        nullif(trim(pos_appeals.org_name), '') as body_name
    from pos_appeals
    union all
    select
        'im' as appeal_source,
        cast(im_incidents.incident_id as bigint) as source_appeal_id,
        nullif(
            trim(concat_ws(', ', im_incidents.municipality, im_incidents.locality, im_incidents.street)), ''
        ) as location_text,
        cast(null as double precision) as latitude,
        cast(null as double precision) as longitude,
        cast(null as varchar) as body_oktmo,
        cast(null as varchar) as body_inn,
        nullif(trim(im_incidents.department), '') as body_name
    from im_incidents

),

normalised as (

    select
        *,
        ' ' || {{ normalise_place('location_text') }} || ' ' as location_words
    from located

),

place_names as (

    -- The names a place text may use for each municipality, normalised like the text.
    select
        cast(oktmo as varchar) as oktmo,
        {{ normalise_place('short_name') }} as place_name
    from municipalities
    union
    select
        cast(oktmo as varchar) as oktmo,
        regexp_replace({{ normalise_place('admin_centre') }}, '^(г|с|п|рп|пгт|аал) ', '') as place_name
    from municipalities

),

text_matches as (

    select
        normalised.appeal_source,
        normalised.source_appeal_id,
        place_names.oktmo,
        row_number() over (
            partition by normalised.appeal_source, normalised.source_appeal_id
            order by
                strpos(normalised.location_words, ' ' || place_names.place_name || ' ') asc,
                length(place_names.place_name) desc
        ) as match_rank
    from normalised
    inner join place_names
        on strpos(normalised.location_words, ' ' || place_names.place_name || ' ') > 0

),

coordinate_matches as (

    select
        normalised.appeal_source,
        normalised.source_appeal_id,
        cast(municipalities.oktmo as varchar) as oktmo,
        row_number() over (
            partition by normalised.appeal_source, normalised.source_appeal_id
            order by
                2 * 6371 * asin(sqrt(
                    power(sin(radians(municipalities.centre_latitude - normalised.latitude) / 2), 2)
                    + cos(radians(normalised.latitude)) * cos(radians(municipalities.centre_latitude))
                    * power(sin(radians(municipalities.centre_longitude - normalised.longitude) / 2), 2)
                )) asc
        ) as match_rank,
        2 * 6371 * asin(sqrt(
            power(sin(radians(municipalities.centre_latitude - normalised.latitude) / 2), 2)
            + cos(radians(normalised.latitude)) * cos(radians(municipalities.centre_latitude))
            * power(sin(radians(municipalities.centre_longitude - normalised.longitude) / 2), 2)
        )) as distance_km
    from normalised
    cross join municipalities
    where normalised.latitude is not null and normalised.longitude is not null

),

body_places as (

    select
        normalised.appeal_source,
        normalised.source_appeal_id,
        coalesce(
            cast(municipality_by_code.oktmo as varchar),
            cast(organisation_by_inn.oktmo as varchar),
            cast(organisation_by_name.oktmo as varchar)
        ) as oktmo
    from normalised
    left join municipalities as municipality_by_code
        on normalised.body_oktmo = cast(municipality_by_code.oktmo as varchar)
    left join organisations as organisation_by_inn
        on normalised.body_inn = cast(organisation_by_inn.inn as varchar)
    left join organisations as organisation_by_name
        on
            organisation_by_inn.org_code is null
            and normalised.body_name = organisation_by_name.org_name

),

resolved as (

    select
        normalised.appeal_source,
        normalised.source_appeal_id,
        normalised.location_text,
        text_matches.oktmo as text_oktmo,
        case
            when coordinate_matches.distance_km <= {{ var('place_max_distance_km') }}
                then coordinate_matches.oktmo
        end as coordinate_oktmo,
        body_places.oktmo as body_oktmo,
        normalised.location_text is null
        and (normalised.latitude is null or normalised.longitude is null) as has_no_location
    from normalised
    left join text_matches
        on
            normalised.appeal_source = text_matches.appeal_source
            and normalised.source_appeal_id = text_matches.source_appeal_id
            and text_matches.match_rank = 1
    left join coordinate_matches
        on
            normalised.appeal_source = coordinate_matches.appeal_source
            and normalised.source_appeal_id = coordinate_matches.source_appeal_id
            and coordinate_matches.match_rank = 1
    left join body_places
        on
            normalised.appeal_source = body_places.appeal_source
            and normalised.source_appeal_id = body_places.source_appeal_id

),

final as (

    select
        -- keys
        appeal_source,
        source_appeal_id,
        case
            when text_oktmo is not null then text_oktmo
            when coordinate_oktmo is not null then coordinate_oktmo
            when has_no_location and body_oktmo is not null then body_oktmo
            else 'unknown'
        end as municipality_key,
        coalesce(body_oktmo, 'unknown') as body_municipality_key,

        -- dimensions
        case
            when text_oktmo is not null or coordinate_oktmo is not null then 'location'
            when has_no_location and body_oktmo is not null then 'organisation'
            else 'undetermined'
        end as municipality_method,
        case
            when text_oktmo is not null then 'address'
            when coordinate_oktmo is not null then 'coordinates'
            when has_no_location and body_oktmo is not null then 'organisation'
            else 'none'
        end as place_source,
        location_text

    from resolved

)

select * from final
