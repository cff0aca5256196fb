-- «Дело» DEPARTMENT: the organisation tree (bodies and officials), one row per node per export.
--
-- DUE is a hierarchical code: each level adds a dotted segment ("0.3." is the parent of "0.3.1."),
-- so the parent and the depth are parsed from it here. The top level ("0.") may be implicit and
-- absent from the export, so a parent_due is not guaranteed to be a row.

with

departments as (

    select * from {{ source('delo', 'delo_department') }}

),

parsed as (

    select
        *,
        trim(due) as due_code,
        length(trim(due)) - length(replace(trim(due), '.', ''))
        + case when right(trim(due), 1) = '.' then 0 else 1 end as due_segments
    from departments

),

final as (

    select
        -- keys
        due_code as due,
        exported_at,
        isn_node as node_id,
        case
            when due_segments > 1
                then {{ regex_replace_once('due_code', '[^.]+\\.?$', '') }}
        end as parent_due,
        batch_id,
        source_row,

        -- dimensions
        classif_name as node_name,
        is_node,
        case is_node
            when 1 then 'department'
            when 0 then 'official'
        end as node_kind,
        coalesce(deleted = 1, false) as is_deleted,
        exported_at = max(exported_at) over () as is_latest_export,

        -- measures
        due_segments as tree_depth

    from parsed

)

select * from final
