{#-
    channel_places(written, platform): the rows of int_channels__places (channel_source, item_id,
    municipality_key, batch_id) for the written appeals and platform items given (relations or CTE
    names in the shapes of stg_written__appeals and stg_platform__messages). The model's comments say
    what the rule is. Callers: the model (every item in a full refresh, the items of new load batches
    in an incremental run) and tests/assert_int_channels__places_matches_full_refresh.sql. The
    CTEs inside are named apart from the callers' (`written_items`, not `written`): Spark refuses a
    CTE that shadows an outer one of the same name.
-#}
{% macro channel_places(written, platform) %}

with

written_items as (

    select * from {{ written }}

),

platform_items as (

    select * from {{ platform }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

located as (

    select
        'written' as channel_source,
        appeal_id as item_id,
        batch_id,
        concat_ws(', ', municipality_text, problem_address) as location_text
    from written_items
    union all
    select
        'platform' as channel_source,
        item_id,
        batch_id,
        concat_ws(', ', municipality_text, address) as location_text
    from platform_items

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
        coalesce(matches.oktmo, 'unknown') as municipality_key,
        located.batch_id
    from located
    left join matches
        on
            located.channel_source = matches.channel_source
            and located.item_id = matches.item_id
            and matches.match_rank = 1

)

select * from final

{%- endmacro %}
