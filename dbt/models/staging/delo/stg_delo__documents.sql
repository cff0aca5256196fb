-- «Дело» DOC_RC: registered documents (decisions, protocols), one row per document per export.
--
-- Every export is a full snapshot and all of them are kept (snapshots and extension history compare
-- successive exports); is_latest_export marks the rows of the newest export of this table.

with

documents as (

    select * from {{ source('delo', 'delo_doc_rc') }}

),

final as (

    select
        -- keys
        isn_doc as document_id,
        exported_at,
        batch_id,
        source_row,

        -- dimensions
        nullif(trim(free_num), '') as registration_number,
        docgroup_name as document_kind,
        {{ redact_free_text('annotat') }} as annotation,
        exported_at = max(exported_at) over () as is_latest_export,

        -- timestamps
        doc_date as document_date

    from documents

)

select * from final
