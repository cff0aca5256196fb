-- «Дело» поручения: one row per поручение × executor (REPLY) in the latest export, with its deadline
-- history across all exports and its execution bucket as of the latest export.
--
-- Rules (project definitions, documented in fct_decisions.yml):
--   original_due_date     PLAN_DATE in the first export where the поручение has one
--   current_due_date      PLAN_DATE in the latest export
--   number_of_extensions  how many times PLAN_DATE changed between consecutive exports of the
--                         поручение (blank PLAN_DATEs skipped); there is no extension field in «Дело»
--   execution bucket      against the CURRENT deadline, so an extension granted in time makes a later
--                         execution on time (the deadline in force is the one that counts):
--     снято с контроля    CONTROL_STATE 0 with grounds for removal (RESUME), whatever else holds
--     в срок              FACT_DATE on or before the current deadline (or no deadline set)
--     с опозданием        FACT_DATE after the current deadline
--     просрочено          no FACT_DATE and the current deadline before the export date
--     срок не наступил    no FACT_DATE and the deadline on or after the export date (or none set)
--   export date           the local (var source_timezone) date of the latest export
-- Execution is the поручение's FACT_DATE (the execution mark of «Дело»), the same for all its
-- executors; each executor's own report date is reply_date.

with

resolutions as (

    select * from {{ ref('stg_delo__resolutions') }}

),

replies as (

    select * from {{ ref('stg_delo__replies') }}

),

documents as (

    select * from {{ ref('stg_delo__documents') }}

),

departments as (

    select * from {{ ref('stg_delo__departments') }}

),

organisations as (

    select * from {{ ref('ref_organisations') }}

),

deadline_changes as (

    select
        resolution_id,
        exported_at,
        due_date,
        lag(due_date) over (partition by resolution_id order by exported_at) as previous_due_date,
        row_number() over (partition by resolution_id order by exported_at) as export_order
    from resolutions
    where due_date is not null

),

deadline_history as (

    select
        resolution_id,
        max(case when export_order = 1 then due_date end) as original_due_date,
        sum(case when previous_due_date is not null and due_date <> previous_due_date then 1 else 0 end)
            as number_of_extensions
    from deadline_changes
    group by resolution_id

),

first_seen as (

    select
        resolution_id,
        min(exported_at) as first_exported_at
    from resolutions
    group by resolution_id

),

latest_resolutions as (

    select * from resolutions
    where is_latest_export

),

latest_replies as (

    select * from replies
    where is_latest_export

),

latest_documents as (

    select * from documents
    where is_latest_export

),

latest_departments as (

    select * from departments
    where is_latest_export

),

executor_organisation as (

    select
        executors.executor_due,
        organisations.org_code,
        organisations.sector_code,
        organisations.oktmo,
        row_number() over (
            partition by executors.executor_due
            order by length(organisations.delo_due) desc
        ) as match_rank
    from (select distinct executor_due from latest_replies) as executors
    inner join organisations
        on left(executors.executor_due, length(organisations.delo_due)) = organisations.delo_due

),

joined as (

    select
        latest_resolutions.resolution_id,
        latest_replies.reply_id,
        latest_resolutions.document_id,
        latest_replies.executor_due,
        latest_resolutions.author_due,
        latest_resolutions.controller_due,
        latest_documents.registration_number,
        latest_documents.document_kind,
        latest_departments.node_name as executor_name,
        latest_replies.is_main_executor,
        latest_resolutions.control_state,
        latest_resolutions.is_on_control,
        latest_resolutions.removal_grounds,
        coalesce(executor_organisation.org_code, 'unknown') as organisation_key,
        coalesce(nullif(trim(executor_organisation.sector_code), ''), 'undefined') as sector_code,
        coalesce(cast(executor_organisation.oktmo as varchar), 'unknown') as municipality_key,
        deadline_history.original_due_date,
        latest_resolutions.due_date as current_due_date,
        coalesce(deadline_history.number_of_extensions, 0) as number_of_extensions,
        latest_documents.document_date,
        latest_resolutions.resolution_date,
        latest_resolutions.executed_date,
        latest_replies.reply_date,
        cast({{ to_source_local('latest_resolutions.exported_at') }} as date) as export_date,
        first_seen.first_exported_at,
        latest_resolutions.exported_at
    from latest_resolutions
    inner join latest_replies
        on latest_resolutions.resolution_id = latest_replies.resolution_id
    left join deadline_history
        on latest_resolutions.resolution_id = deadline_history.resolution_id
    left join first_seen
        on latest_resolutions.resolution_id = first_seen.resolution_id
    left join latest_documents
        on latest_resolutions.document_id = latest_documents.document_id
    left join latest_departments
        on latest_replies.executor_due = latest_departments.due
    left join executor_organisation
        on
            latest_replies.executor_due = executor_organisation.executor_due
            and executor_organisation.match_rank = 1

),

bucketed as (

    select
        *,
        case
            when control_state = 0 and nullif(trim(removal_grounds), '') is not null then 'removed'
            when executed_date is not null and (current_due_date is null or executed_date <= current_due_date)
                then 'on_time'
            when executed_date is not null then 'late'
            when current_due_date < export_date then 'overdue'
            else 'not_due'
        end as execution_bucket_code
    from joined

),

final as (

    select
        -- keys
        resolution_id,
        reply_id,
        document_id,
        executor_due,
        organisation_key,
        sector_code,
        municipality_key,
        author_due,
        controller_due,

        -- dimensions
        registration_number,
        document_kind,
        executor_name,
        is_main_executor,
        control_state,
        is_on_control,
        removal_grounds,
        execution_bucket_code,
        case execution_bucket_code
            when 'on_time' then 'в срок'
            when 'late' then 'с опозданием'
            when 'overdue' then 'просрочено'
            when 'not_due' then 'срок не наступил'
            when 'removed' then 'снято с контроля'
        end as execution_bucket,
        number_of_extensions > 0 as is_extended,
        case
            when executed_date is null or original_due_date is null then null
            else executed_date <= original_due_date
        end as is_executed_by_original_due_date,

        -- measures
        cast(number_of_extensions as integer) as number_of_extensions,
        case
            when execution_bucket_code = 'late' then {{ dbt.datediff('current_due_date', 'executed_date', 'day') }}
            when execution_bucket_code = 'overdue' then {{ dbt.datediff('current_due_date', 'export_date', 'day') }}
        end as days_late,

        -- timestamps
        document_date,
        resolution_date,
        original_due_date,
        current_due_date,
        executed_date,
        reply_date,
        export_date,
        first_exported_at,
        exported_at

    from bucketed

)

select * from final
