-- The certification of every mart as of its latest validation: one row per mart from the
-- certification record that the Great Expectations step writes after dbt (quality.certifications).
--
-- Rule: certified while the latest validation passed (the mart's suite had no failed critical
-- expectation and every suite upstream of it passed); withdrawn when it failed. Dashboards show
-- is_certified and data_as_of next to their charts.
--
-- A materialized view: dbt creates it; the validation step refreshes it after every write, so it
-- follows the record without another dbt run.
{#- On Spark (issue 16), which has no materialized views, a table. #}
{{ config(materialized='table' if target.type == 'spark' else 'materialized_view') }}

with

certifications as (

    select * from {{ ref('stg_quality__certifications') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by mart
            order by validated_at desc, validation_id desc
        ) as recency
    from certifications

),

latest as (

    select * from ranked
    where recency = 1

),

failures as (

    {{ certification_failures('latest') }}

),

final as (

    select
        -- keys
        latest.mart,
        latest.suite,
        latest.run_id,

        -- dimensions
        latest.passed as is_certified,
        case
            when latest.passed then 'Сертифицировано'
            else 'Сертификация отозвана'
        end as certification_label,
        failures.failed_expectations,

        -- timestamps
        latest.validated_at,
        latest.data_as_of

    from latest
    left join failures
        on latest.validation_id = failures.validation_id

)

select * from final
