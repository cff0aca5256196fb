-- «Дело» co-executors: one row per поручение × co-executor (a REPLY of the latest export that is not
-- the responsible executor's row of fct_decisions), judged by the co-executor's own report date.
--
-- Rules (project definitions, documented in fct_decision_coexecutors.yml and dbt/README.md):
--   deadline           the поручение's effective deadline (fct_decisions: the one in force when due)
--   execution bucket   by the co-executor's REPLY_DATE:
--     в срок           REPLY_DATE on or before the deadline (or no deadline set)
--     с опозданием     REPLY_DATE after the deadline
--     снято с контроля no REPLY_DATE and the поручение removed from control
--     просрочено       no REPLY_DATE and the deadline before the export date
--     срок не наступил no REPLY_DATE and the deadline on or after the export date (or none set)
--   is_counted         the поручение's own is_counted (on control, not a child of a counted one)

with

decisions as (

    select * from {{ ref('fct_decisions') }}

),

replies as (

    select * from {{ ref('stg_delo__replies') }}
    where is_latest_export

),

departments as (

    select * from {{ ref('stg_delo__departments') }}
    where is_latest_export

),

organisations as (

    select * from {{ ref('ref_organisations') }}

),

coexecutors as (

    select
        replies.reply_id,
        replies.executor_due,
        replies.reply_date,
        decisions.resolution_id,
        decisions.is_counted,
        decisions.is_removed_from_control,
        decisions.effective_due_date,
        decisions.export_date
    from replies
    inner join decisions
        on replies.resolution_id = decisions.resolution_id
    where decisions.reply_id is null or replies.reply_id <> decisions.reply_id

),

executor_organisation as (

    select
        executors.executor_due,
        organisations.org_code,
        organisations.sector_code,
        row_number() over (
            partition by executors.executor_due
            order by length(organisations.delo_due) desc
        ) as match_rank
    from (select distinct executor_due from coexecutors) as executors
    inner join organisations
        on left(executors.executor_due, length(organisations.delo_due)) = organisations.delo_due

),

bucketed as (

    select
        coexecutors.*,
        departments.node_name as executor_name,
        coalesce(executor_organisation.org_code, 'unknown') as organisation_key,
        coalesce(nullif(trim(executor_organisation.sector_code), ''), 'undefined') as sector_code,
        case
            when
                coexecutors.reply_date is not null
                and (coexecutors.effective_due_date is null or coexecutors.reply_date <= coexecutors.effective_due_date)
                then 'on_time'
            when coexecutors.reply_date is not null then 'late'
            when coexecutors.is_removed_from_control then 'removed'
            when coexecutors.effective_due_date < coexecutors.export_date then 'overdue'
            else 'not_due'
        end as execution_bucket_code
    from coexecutors
    left join departments
        on coexecutors.executor_due = departments.due
    left join executor_organisation
        on
            coexecutors.executor_due = executor_organisation.executor_due
            and executor_organisation.match_rank = 1

),

final as (

    select
        -- keys
        resolution_id,
        reply_id,
        executor_due,
        organisation_key,
        sector_code,

        -- dimensions
        executor_name,
        is_counted,
        execution_bucket_code,
        case execution_bucket_code
            when 'on_time' then 'в срок'
            when 'late' then 'с опозданием'
            when 'overdue' then 'просрочено'
            when 'not_due' then 'срок не наступил'
            when 'removed' then 'снято с контроля'
        end as execution_bucket,

        -- measures
        case
            when execution_bucket_code = 'late'
                then {{ dbt.datediff('effective_due_date', 'reply_date', 'day') }}
            when execution_bucket_code = 'overdue'
                then {{ dbt.datediff('effective_due_date', 'export_date', 'day') }}
        end as days_late,

        -- timestamps
        effective_due_date,
        reply_date,
        export_date

    from bucketed

)

select * from final
