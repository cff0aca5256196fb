-- Where a written appeal or a platform item happened: one row per item (channel_source + item_id)
-- with its municipality, found as int_appeals__places finds an appeal's from its text: the
-- municipality field and the address, normalised, searched as whole words (macros/places.sql) for
-- the short names and the administrative centres of the OKTMO reference; the municipality named first
-- wins. Platform spellings («Абакан г.», «городской округ город Абакан», «Аскизский р-н») all contain
-- the short name. Nothing named: 'unknown' («Не определено»).

with

written as (

    select * from {{ ref('stg_written__appeals') }}

),

platform as (

    select * from {{ ref('stg_platform__messages') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

located as (

    select
        'written' as channel_source,
        appeal_id as item_id,
        concat_ws(', ', municipality_text, problem_address) as location_text
    from written
    union all
    select
        'platform' as channel_source,
        item_id,
        concat_ws(', ', municipality_text, address) as location_text
    from platform

),

normalised as (

    select
        *,
        ' ' || {{ normalise_place('location_text') }} || ' ' as location_words
    from located

),

place_names as (

    {{ municipality_place_names('municipalities') }}

),

matches as (

    {{ named_municipalities('normalised', 'place_names', ['channel_source', 'item_id']) }}

),

final as (

    select
        located.channel_source,
        located.item_id,
        coalesce(matches.oktmo, 'unknown') as municipality_key
    from located
    left join matches
        on
            located.channel_source = matches.channel_source
            and located.item_id = matches.item_id
            and matches.match_rank = 1

)

select * from final
