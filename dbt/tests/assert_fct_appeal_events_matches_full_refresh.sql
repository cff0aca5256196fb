-- The incremental fct_appeal_events equals what a full refresh would build: the same shaping
-- (macros/appeal_event_facts.sql) over the whole staging view. Any row on one side only (or a row whose
-- columns differ, which shows up on both sides) fails the test, listed with the side it is on. It
-- stages every event, so it is tagged full_refresh_equality: the full_refresh job, the benchmark and
-- the test suite run it, the daily build does not.

{{ config(tags=['full_refresh_equality']) }}

with

staged_events as (

    select * from {{ ref('stg_pos__appeal_events') }}

),

{{ appeal_event_facts('staged_events', 'full_refresh_facts') }},

incremental_rows as (

    select * from {{ ref('fct_appeal_events') }}

),

full_refresh_rows as (

    select * from full_refresh_facts

),

{{ full_refresh_difference('fct_appeal_events', ['appeal_source', 'source_appeal_id', 'event_seq']) }}

select * from final
