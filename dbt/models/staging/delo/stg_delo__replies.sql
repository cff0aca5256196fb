-- «Дело» REPLY: one row per executor of a поручение per export (every export kept).

with

replies as (

    select * from {{ source('delo', 'delo_reply') }}

),

final as (

    select
        -- keys
        isn_reply as reply_id,
        exported_at,
        isn_resolution as resolution_id,
        trim(executor_due) as executor_due,
        batch_id,
        source_row,

        -- dimensions
        main_flag,
        coalesce(main_flag = 1, false) as is_main_executor,
        {{ redact_free_text('reply_text') }} as reply_text,
        exported_at = max(exported_at) over () as is_latest_export,

        -- timestamps
        reply_date,
        upd_date as updated_at

    from replies

)

select * from final
