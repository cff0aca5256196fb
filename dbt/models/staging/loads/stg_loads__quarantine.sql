-- Quarantined rows: rows of landing files that could not be loaded, with the field and the reason.
--
-- The raw text of the row stays in raw: for a ПОС file it is a whole appeal with the applicant's
-- name, e-mail and phone. Staging exposes its length only; `cur data quarantine` shows the text to those
-- allowed to read raw.

with

quarantine as (

    select * from {{ source('loads', 'quarantine') }}

),

final as (

    select
        -- keys
        batch_id,
        source_row,

        -- dimensions
        field,
        {{ redact_free_text('reason') }} as reason,
        raw_text is not null as has_raw_text,

        -- measures
        {{ dbt.length('raw_text') }} as raw_text_chars

    from quarantine

)

select * from final
