-- Load batches: one row per landing file that ingestion tried to load, with its outcome and counts.

with

batches as (

    select * from {{ source('loads', 'load_batches') }}

),

final as (

    select
        -- keys
        batch_id,
        content_hash,

        -- dimensions
        source,
        file_name,
        file_path,
        status,
        {{ redact_free_text('error') }} as error_message,
        status = 'loaded' as is_loaded,

        -- measures
        file_bytes,
        rows_read,
        rows_loaded,
        rows_quarantined,
        {{ dbt.datediff('started_at', 'finished_at', 'second') }} as load_seconds,  -- noqa: LT05

        -- timestamps
        started_at,
        finished_at

    from batches

)

select * from final
