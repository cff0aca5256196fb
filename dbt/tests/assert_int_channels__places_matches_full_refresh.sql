-- The incremental int_channels__places equals what a full refresh would build: the same macro
-- (macros/channel_places.sql) over every written appeal and platform item. Any row on one side only
-- (or a row whose columns differ, which shows up on both sides) fails the test, listed with the side
-- it is on. It matches every item's text by design, so it is tagged full_refresh_equality: the
-- full_refresh job, the benchmark and the test suite run it, the daily build does not.

{{ config(tags=['full_refresh_equality']) }}

with

written as (

    select * from {{ ref('stg_written__appeals') }}

),

platform as (

    select * from {{ ref('stg_platform__messages') }}

),

incremental_rows as (

    select
        channel_source,
        item_id,
        municipality_key,
        batch_id
    from {{ ref('int_channels__places') }}

),

full_refresh_rows as (

    select
        channel_source,
        item_id,
        municipality_key,
        batch_id
    from (
        {{ channel_places('written', 'platform') }}
    ) as full_refresh

),

{{ full_refresh_difference('int_channels__places', ['channel_source', 'item_id']) }}

select * from final
