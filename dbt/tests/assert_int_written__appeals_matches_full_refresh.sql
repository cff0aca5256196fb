-- The incremental int_written__appeals equals what a full refresh would build: the same columns of
-- stg_written__appeals for every card. Any row on one side only (or a row whose columns differ, which
-- shows up on both sides) fails the test, listed with the side it is on. It stages every card, so it
-- is tagged full_refresh_equality: the full_refresh job, the benchmark and the test suite run it, the
-- daily build does not.

{{ config(tags=['full_refresh_equality']) }}

with

incremental_rows as (

    select {{ written_appeal_columns() }}
    from {{ ref('int_written__appeals') }}

),

full_refresh_rows as (

    select {{ written_appeal_columns() }}
    from {{ ref('stg_written__appeals') }}

),

{{ full_refresh_difference('int_written__appeals', ['appeal_id']) }}

select * from final
