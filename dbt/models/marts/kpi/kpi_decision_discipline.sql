-- Execution discipline of «Дело» поручения per responsible executor and month, from fct_decisions
-- (one row per поручение, carried by its responsible executor; buckets as of the latest export date).
-- Only counted поручения enter: on control (or removed from control), not a child of a counted
-- поручение. Co-executors are judged apart in fct_decision_coexecutors.
--
-- Definitions:
--   month_start              month of the effective due date (the deadline in force when due; of the
--                            resolution date when no deadline is set)
--   buckets                  fct_decisions' rule, judged against the effective deadline: an extension
--                            seen before the deadline passed makes a later execution on time; one
--                            made after the deadline passed or after execution does not
--   due (denominator)        executed_on_time_count + executed_late_count + overdue_count: поручения
--                            whose deadline has come, not removed from control
--   share_executed_on_time   executed_on_time_count / due
--   share_overdue            overdue_count / due (not executed, deadline passed)
--   days_late_mean           mean days_late over the late and the overdue поручения (overdue: days from
--                            the deadline to the export date)

with

decisions as (

    select
        *,
        {{ month_of('coalesce(effective_due_date, resolution_date, export_date)') }} as month_start
    from {{ ref('fct_decisions') }}
    where is_counted

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

aggregated as (

    select
        month_start,
        organisation_key,
        sector_code,
        count(*) as decisions_count,
        {{ count_if("execution_bucket_code = 'on_time'") }} as executed_on_time_count,
        {{ count_if("execution_bucket_code = 'late'") }} as executed_late_count,
        {{ count_if("execution_bucket_code = 'overdue'") }} as overdue_count,
        {{ count_if("execution_bucket_code = 'not_due'") }} as not_due_count,
        {{ count_if("execution_bucket_code = 'removed'") }} as removed_count,
        {{ count_if('is_extended') }} as extended_count,
        avg(case when execution_bucket_code in ('late', 'overdue') then days_late end) as days_late_mean
    from decisions
    group by
        month_start,
        organisation_key,
        sector_code

),

final as (

    select
        -- keys
        aggregated.month_start,
        cast(aggregated.organisation_key as {{ type_text() }}) as organisation_key,
        cast(organisations.organisation_name as {{ type_text() }}) as organisation_name,
        cast(organisations.organisation_kind as {{ type_text() }}) as organisation_kind,
        cast(aggregated.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,

        -- measures
        cast(aggregated.decisions_count as integer) as decisions_count,
        cast(aggregated.executed_on_time_count as integer) as executed_on_time_count,
        cast(aggregated.executed_late_count as integer) as executed_late_count,
        cast(aggregated.overdue_count as integer) as overdue_count,
        cast(aggregated.not_due_count as integer) as not_due_count,
        cast(aggregated.removed_count as integer) as removed_count,
        cast(aggregated.extended_count as integer) as extended_count,
        {{ share(
            'aggregated.executed_on_time_count',
            'aggregated.executed_on_time_count + aggregated.executed_late_count + aggregated.overdue_count'
        ) }} as share_executed_on_time,
        {{ share(
            'aggregated.overdue_count',
            'aggregated.executed_on_time_count + aggregated.executed_late_count + aggregated.overdue_count'
        ) }} as share_overdue,
        round(cast(aggregated.days_late_mean as {{ type_numeric() }}), 2) as days_late_mean

    from aggregated
    left join organisations
        on aggregated.organisation_key = organisations.organisation_key
    left join sectors
        on aggregated.sector_code = sectors.sector_code

)

select * from final
