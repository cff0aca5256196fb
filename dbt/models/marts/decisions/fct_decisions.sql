-- «Дело» поручения: one row per поручение of the latest export, carried by its responsible executor
-- (REPLY with MAIN_FLAG = 1); co-executors are in fct_decision_coexecutors. The deadline history
-- comes from all exports, the execution bucket is as of the latest export.
--
-- Rules (project definitions, documented in fct_decisions.yml and dbt/README.md):
--   responsible executor  the REPLY with MAIN_FLAG = 1 (the lowest ISN_REPLY when several are
--                         flagged); without a flagged row the lowest ISN_REPLY; none: 'unknown'
--   is_counted            the поручение counts in the discipline KPIs: it is (or was, in any export)
--                         on control (CONTROL_STATE 1, 2, or removed from control with RESUME), and it
--                         is not a child of another counted поручение (ISN_PARENT_RESOLUTION): a
--                         parent and the sub-поручения its executor gave are one task, counted once
--   original_due_date     PLAN_DATE in the first export where the поручение has one
--   current_due_date      PLAN_DATE in the latest export
--   effective_due_date    the deadline in force when it was due, from the successive exports: a
--                         change of PLAN_DATE is ignored, with every change after it, when the
--                         exports show it came late: the export before it, still showing the old
--                         deadline, was taken after that deadline had passed (moved after it was
--                         due) or already carried the FACT_DATE (moved after execution). Between
--                         two exports that prove neither, the change counts
--   number_of_extensions  PLAN_DATE changes between consecutive exports (blank PLAN_DATEs skipped)
--   execution bucket      against the effective deadline:
--     в срок              FACT_DATE on or before the effective deadline (or no deadline set), also
--                         when the поручение was then removed from control
--     с опозданием        FACT_DATE after the effective deadline (removed from control or not)
--     снято с контроля    removed from control (CONTROL_STATE 0 with RESUME) without FACT_DATE
--     просрочено          no FACT_DATE, on control, effective deadline before the export date
--     срок не наступил    no FACT_DATE and the deadline on or after the export date (or none set)
--   export date           the local (var source_timezone) date of an export

with

resolutions as (

    select
        *,
        cast({{ to_source_local('exported_at') }} as date) as export_date
    from {{ ref('stg_delo__resolutions') }}

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

latest_resolutions as (

    select * from resolutions
    where is_latest_export

),

deadline_changes as (

    select
        resolutions.resolution_id,
        resolutions.exported_at,
        resolutions.export_date,
        resolutions.due_date,
        lag(resolutions.due_date) over (
            partition by resolutions.resolution_id order by resolutions.exported_at
        ) as previous_due_date,
        lag(resolutions.export_date) over (
            partition by resolutions.resolution_id order by resolutions.exported_at
        ) as previous_export_date,
        lag(resolutions.executed_date) over (
            partition by resolutions.resolution_id order by resolutions.exported_at
        ) as previous_executed_date,
        row_number() over (
            partition by resolutions.resolution_id order by resolutions.exported_at
        ) as export_order
    from resolutions
    where resolutions.due_date is not null

),

deadline_breaks as (

    -- A change the exports prove late: the export before it, still showing the old deadline, was
    -- taken after that deadline had passed, or already showed the execution. Until the first such
    -- change every change counted, so the deadline in force just before it is the previous export's
    -- PLAN_DATE.
    select
        *,
        previous_due_date is not null
        and due_date <> previous_due_date
        and (previous_export_date > previous_due_date or previous_executed_date is not null) as is_late_change
    from deadline_changes

),

first_breaks as (

    select
        resolution_id,
        min(exported_at) as first_break_at
    from deadline_breaks
    where is_late_change
    group by resolution_id

),

deadline_history as (

    select
        deadline_breaks.resolution_id,
        max(case when deadline_breaks.export_order = 1 then deadline_breaks.due_date end) as original_due_date,
        sum(
            case
                when
                    deadline_breaks.previous_due_date is not null
                    and deadline_breaks.due_date <> deadline_breaks.previous_due_date
                    then 1
                else 0
            end
        ) as number_of_extensions,
        max(first_breaks.first_break_at) as first_break_at
    from deadline_breaks
    left join first_breaks
        on deadline_breaks.resolution_id = first_breaks.resolution_id
    group by deadline_breaks.resolution_id

),

ranked_deadlines as (

    -- the exports before the first break, newest first (row_number: portable, issue 16)
    select
        deadline_breaks.resolution_id,
        deadline_breaks.due_date,
        row_number() over (
            partition by deadline_breaks.resolution_id order by deadline_breaks.exported_at desc
        ) as deadline_rank
    from deadline_breaks
    left join first_breaks
        on deadline_breaks.resolution_id = first_breaks.resolution_id
    where first_breaks.first_break_at is null or deadline_breaks.exported_at < first_breaks.first_break_at

),

effective_deadlines as (

    select
        resolution_id,
        due_date as effective_due_date
    from ranked_deadlines
    where deadline_rank = 1

),

control_history as (

    select
        resolution_id,
        min(exported_at) as first_exported_at,
        {{ count_if('is_on_control') }} > 0 as was_on_control
    from resolutions
    group by resolution_id

),

ranked_replies as (

    select
        *,
        row_number() over (
            partition by resolution_id order by is_main_executor desc, reply_id asc
        ) as reply_rank
    from replies
    where is_latest_export

),

responsible_replies as (

    select * from ranked_replies
    where reply_rank = 1

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
    from (select distinct executor_due from responsible_replies) as executors
    inner join organisations
        on left(executors.executor_due, length(organisations.delo_due)) = organisations.delo_due

),

controlled as (

    select
        latest_resolutions.resolution_id,
        control_history.was_on_control
        or (
            latest_resolutions.control_state = 0
            and nullif(trim(latest_resolutions.removal_grounds), '') is not null
        ) as is_controlled
    from latest_resolutions
    inner join control_history
        on latest_resolutions.resolution_id = control_history.resolution_id

),

joined as (

    select
        latest_resolutions.resolution_id,
        responsible_replies.reply_id,
        latest_resolutions.document_id,
        latest_resolutions.parent_resolution_id,
        responsible_replies.executor_due,
        latest_resolutions.author_due,
        latest_resolutions.controller_due,
        latest_documents.registration_number,
        latest_documents.document_kind,
        latest_departments.node_name as executor_name,
        coalesce(responsible_replies.is_main_executor, false) as is_main_executor,
        latest_resolutions.control_state,
        latest_resolutions.is_on_control,
        controlled.is_controlled,
        coalesce(parent.is_controlled, false) as has_counted_parent,
        latest_resolutions.control_state = 0
        and nullif(trim(latest_resolutions.removal_grounds), '') is not null as is_removed_from_control,
        latest_resolutions.removal_grounds,
        coalesce(executor_organisation.org_code, 'unknown') as organisation_key,
        coalesce(nullif(trim(executor_organisation.sector_code), ''), 'undefined') as sector_code,
        coalesce(cast(executor_organisation.oktmo as {{ type_varchar() }}), 'unknown') as municipality_key,
        deadline_history.original_due_date,
        latest_resolutions.due_date as current_due_date,
        coalesce(effective_deadlines.effective_due_date, latest_resolutions.due_date) as effective_due_date,
        coalesce(deadline_history.number_of_extensions, 0) as number_of_extensions,
        deadline_history.first_break_at is not null as is_deadline_moved_late,
        latest_documents.document_date,
        latest_resolutions.resolution_date,
        latest_resolutions.executed_date,
        responsible_replies.reply_date,
        latest_resolutions.export_date,
        control_history.first_exported_at,
        latest_resolutions.exported_at
    from latest_resolutions
    inner join control_history
        on latest_resolutions.resolution_id = control_history.resolution_id
    inner join controlled
        on latest_resolutions.resolution_id = controlled.resolution_id
    left join controlled as parent
        on latest_resolutions.parent_resolution_id = parent.resolution_id
    left join responsible_replies
        on latest_resolutions.resolution_id = responsible_replies.resolution_id
    left join deadline_history
        on latest_resolutions.resolution_id = deadline_history.resolution_id
    left join effective_deadlines
        on latest_resolutions.resolution_id = effective_deadlines.resolution_id
    left join latest_documents
        on latest_resolutions.document_id = latest_documents.document_id
    left join latest_departments
        on responsible_replies.executor_due = latest_departments.due
    left join executor_organisation
        on
            responsible_replies.executor_due = executor_organisation.executor_due
            and executor_organisation.match_rank = 1

),

bucketed as (

    select
        *,
        case
            when executed_date is not null and (effective_due_date is null or executed_date <= effective_due_date)
                then 'on_time'
            when executed_date is not null then 'late'
            when is_removed_from_control then 'removed'
            when effective_due_date < export_date then 'overdue'
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
        parent_resolution_id,
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
        is_controlled,
        has_counted_parent,
        is_controlled and not has_counted_parent as is_counted,
        is_removed_from_control,
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
        is_deadline_moved_late,
        case
            when executed_date is null or original_due_date is null then null
            else executed_date <= original_due_date
        end as is_executed_by_original_due_date,

        -- measures
        cast(number_of_extensions as integer) as number_of_extensions,
        case
            when execution_bucket_code = 'late'
                then {{ dbt.datediff('effective_due_date', 'executed_date', 'day') }}
            when execution_bucket_code = 'overdue'
                then {{ dbt.datediff('effective_due_date', 'export_date', 'day') }}
        end as days_late,

        -- timestamps
        document_date,
        resolution_date,
        original_due_date,
        effective_due_date,
        current_due_date,
        executed_date,
        reply_date,
        export_date,
        first_exported_at,
        exported_at

    from bucketed

)

select * from final
