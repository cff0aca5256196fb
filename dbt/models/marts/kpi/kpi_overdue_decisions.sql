-- The list behind «Просрочено» of kpi_decision_discipline: every поручение counted there whose
-- bucket is overdue (on control, its effective deadline passed, no execution mark in the latest
-- export), with its registration number, the responsible executor and the days overdue.
--
-- Definitions (the rules per поручение are in fct_decisions):
--   is listed      is_counted (on control, not a sub-поручение of a counted one) and
--                  execution_bucket_code = 'overdue'
--   month_start    month of the effective due date (the month kpi_decision_discipline counts it in)
--   days_overdue   fct_decisions.days_late: days from the effective deadline to the export date

-- The dashboards list the overdue поручения longest overdue first (order by days_overdue desc,
-- limit): an index on days_overdue lets that read the first rows instead of sorting the table
-- (issue 14).
{{ config(
    indexes=[{'columns': ['days_overdue']}],
    post_hook="{{ analyze_table(this) }}",
) }}

with

decisions as (

    select * from {{ ref('fct_decisions') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current

),

final as (

    select
        -- keys
        cast(decisions.resolution_id as bigint) as resolution_id,
        cast(decisions.registration_number as {{ type_text() }}) as registration_number,
        cast(decisions.document_kind as {{ type_text() }}) as document_kind,
        cast(decisions.organisation_key as {{ type_text() }}) as organisation_key,
        cast(coalesce(organisations.organisation_name, 'Не определено') as {{ type_text() }}) as organisation_name,
        cast(organisations.organisation_kind as {{ type_text() }}) as organisation_kind,
        cast(decisions.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(decisions.executor_name as {{ type_text() }}) as executor_name,

        -- dates
        {{ month_of('decisions.effective_due_date') }} as month_start,
        cast(decisions.resolution_date as date) as resolution_date,
        cast(decisions.effective_due_date as date) as effective_due_date,
        cast(decisions.export_date as date) as export_date,

        -- measures
        cast(decisions.is_extended as boolean) as is_extended,
        cast(decisions.days_late as integer) as days_overdue

    from decisions
    left join sectors
        on decisions.sector_code = sectors.sector_code
    left join organisations
        on decisions.organisation_key = organisations.organisation_key
    where
        decisions.is_counted
        and decisions.execution_bucket_code = 'overdue'

)

select * from final
