-- The incremental kpi_appeals equals what a full refresh would build: the same macro
-- (macros/kpi_appeals_rows.sql) over every appeal of fct_appeals. Any row on one side only (or a row
-- whose columns differ, which shows up on both sides) fails the test, listed with the side it is on.
-- It aggregates every appeal by design, so it is tagged full_refresh_equality: the full_refresh job,
-- the benchmark and the test suite run it, the daily build does not.

{{ config(tags=['full_refresh_equality']) }}

with

incremental_rows as (

    select * from {{ ref('kpi_appeals') }}

),

full_refresh_rows as (

    select * from (
        {{ kpi_appeals_rows(ref('fct_appeals')) }}
    ) as full_refresh

),

{{ full_refresh_difference('kpi_appeals', [
    'month_start', 'appeal_source', 'sector_code', 'municipality_key', 'organisation_key', 'channel_key',
    'topic_key',
]) }}

select * from final
