-- Where a written appeal or a platform item happened: one row per item (channel_source + item_id)
-- with its municipality, found as int_appeals__places finds an appeal's from its text: the
-- municipality field and the address, normalised, searched as whole words (macros/places.sql) for
-- the short names and the administrative centres of the OKTMO reference; the municipality named first
-- wins. Platform spellings («Абакан г.», «городской округ город Абакан», «Аскизский р-н») all contain
-- the short name. Nothing named: 'unknown' («Не определено»).
--
-- Incremental (merge on channel_source + item_id): an item's place depends only on its own staged row
-- (its latest export) and on the OKTMO reference, and the word match is the costly part (every item's
-- text against every place name: about a minute for the 68,000 items of the 200,000-appeal sample, and
-- it ran twice a day, once for each fact reading this view). A run matches only the items whose
-- staged row comes from a batch newer than the newest one of that channel in the table. A changed
-- OKTMO reference needs a full refresh (the full_refresh job);
-- assert_int_channels__places_matches_full_refresh proves the table equal to the full-refresh logic.
{{ config(
    materialized='incremental',
    unique_key=['channel_source', 'item_id'],
    incremental_strategy='merge',
    on_schema_change='fail',
    indexes=[
        {'columns': ['channel_source', 'item_id'], 'unique': True},
    ],
    post_hook="{{ analyze_table(this) }}",
) }}

with

{% if is_incremental() %}

    watermarks as (

        select
            channel_source,
            max(batch_id) as batch_id
        from {{ this }}
        group by channel_source

    ),

{% endif %}

written as (

    select * from {{ ref('stg_written__appeals') }}
    {% if is_incremental() -%}
        where
            batch_id > (
                select coalesce(max(watermarks.batch_id), -1)
                from watermarks
                where watermarks.channel_source = 'written'
            )
    {%- endif %}

),

platform as (

    select * from {{ ref('stg_platform__messages') }}
    {% if is_incremental() -%}
        where
            batch_id > (
                select coalesce(max(watermarks.batch_id), -1)
                from watermarks
                where watermarks.channel_source = 'platform'
            )
    {%- endif %}

),

places as (
    {{ channel_places('written', 'platform') }}
)

select * from places
