-- «Дело» RESOLUTION: поручения (instructions), one row per поручение per export.
--
-- Every export is kept: a PLAN_DATE that moves between two exports is a deadline extension, a
-- FACT_DATE that appears is the execution mark, CONTROL_STATE 0 with a RESUME is removal from
-- control. is_latest_export marks the rows of the newest export of this table.

with

resolutions as (

    select * from {{ source('delo', 'delo_resolution') }}

),

final as (

    select
        -- keys
        isn_resolution as resolution_id,
        exported_at,
        isn_ref_doc as document_id,
        isn_parent_resolution as parent_resolution_id,
        nullif(trim(author_due), '') as author_due,
        nullif(trim(controller_due), '') as controller_due,
        batch_id,
        source_row,

        -- dimensions
        {{ redact_free_text('resolution_text') }} as resolution_text,
        control_state,
        coalesce(control_state in (1, 2), false) as is_on_control,
        {{ redact_free_text('summary') }} as progress_summary,
        {{ redact_free_text('resume') }} as removal_grounds,
        exported_at = max(exported_at) over () as is_latest_export,

        -- timestamps
        resolution_date,
        plan_date as due_date,
        interim_date,
        fact_date as executed_date

    from resolutions

)

select * from final
