-- Landing file loads for the data quality dashboard: one row per batch (a file ingestion tried to
-- load), with its outcome and counts. share_quarantined = rows_quarantined / rows_read (null when
-- nothing was read, e.g. a rejected file).

with

batches as (

    select * from {{ ref('stg_loads__batches') }}

),

final as (

    select
        -- keys
        batch_id,
        cast(source as {{ type_text() }}) as source,
        cast({{ source_name('source') }} as {{ type_text() }}) as source_name,
        cast(file_name as {{ type_text() }}) as file_name,
        cast(status as {{ type_text() }}) as status,

        -- timestamps
        started_at,
        finished_at,

        -- measures
        cast(rows_read as integer) as rows_read,
        cast(rows_loaded as integer) as rows_loaded,
        cast(rows_quarantined as integer) as rows_quarantined,
        {{ share('rows_quarantined', 'rows_read') }} as share_quarantined

    from batches

)

select * from final
