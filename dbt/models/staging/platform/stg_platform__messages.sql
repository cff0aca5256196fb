-- Regional participation platform: messages and initiatives, one row per item in its latest exported
-- state (the latest batch, then the last row of the file), the author pseudonymised and the text
-- redacted (macros/pii/). The author's key is the keyed pseudonym of the e-mail, else of the phone.

with

items as (

    select * from {{ source('platform', 'platform_messages') }}

),

exports_ranked as (

    select
        items.*,
        count(*) over (partition by items.item_id) as export_count,
        row_number() over (
            partition by items.item_id
            order by items.batch_id desc, items.source_row desc
        ) as export_rank
    from items

),

pseudonymised as (

    select
        *,
        {{ pseudonymise('author_email', kind='email') }} as author_email_key,
        {{ pseudonymise('author_phone', kind='phone') }} as author_phone_key
    from exports_ranked
    where export_rank = 1

),

final as (

    select
        -- keys
        item_id,
        nullif(trim(item_number), '') as item_number,
        coalesce(author_email_key, author_phone_key) as author_key,
        author_email_key,
        author_phone_key,
        nullif(trim(pos_number), '') as pos_number,
        batch_id,
        source_row,

        -- dimensions
        {{ map_values('item_kind', {'Сообщение': 'message', 'Инициатива': 'initiative'}) }} as item_kind,
        {{ map_values('status', {
            'На модерации': 'moderation',
            'В работе': 'in_progress',
            'Передано в ПОС': 'forwarded_to_pos',
            'Ответ дан': 'answered',
            'Отклонено': 'rejected',
            'На голосовании': 'voting',
            'Поддержана': 'supported',
            'Реализована': 'implemented',
            'Отклонена': 'rejected',
        }) }} as status_code,
        trim(status) as status_label,
        nullif(trim(category), '') as category,
        nullif(trim(municipality), '') as municipality_text,
        nullif(trim(address), '') as address,
        {{ redact_free_text('item_text', ['author_name']) }} as item_text,

        -- measures
        votes,
        export_count,

        -- timestamps
        created_at,
        forwarded_at,
        answered_at

    from pseudonymised

)

select * from final
