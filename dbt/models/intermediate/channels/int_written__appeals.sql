-- The written appeals (59-ФЗ) as staged (stg_written__appeals: the latest export of each card, the
-- correspondent pseudonymised), kept as a table of the columns the facts need, without the redacted
-- summary.
--
-- Incremental (merge on appeal_id): a card's staged row depends only on its own exports, so a run
-- stages only the cards whose latest export comes from a batch newer than the newest one in the table.
-- The staging view pseudonymises and redacts every card it returns, and fct_written_appeals, rebuilt
-- daily (its as-of date moves every open card's flags), read it whole: 84 s of a daily build at a
-- million appeals (188,000 cards). assert_int_written__appeals_matches_full_refresh proves the table
-- equal to the view.
{{ config(
    materialized='incremental',
    unique_key='appeal_id',
    incremental_strategy='merge',
    on_schema_change='fail',
    indexes=[
        {'columns': ['appeal_id'], 'unique': True},
        {'columns': ['batch_id']},
    ],
    post_hook="analyze {{ this }}",
) }}

with

appeals as (

    select * from {{ ref('stg_written__appeals') }}
    {% if is_incremental() -%}
        where batch_id > (select coalesce(max(batch_id), -1) from {{ this }})
    {%- endif %}

),

final as (

    select
        {{ written_appeal_columns() }}
    from appeals

)

select * from final
