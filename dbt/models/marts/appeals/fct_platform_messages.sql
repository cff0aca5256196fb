-- One row per message or initiative of the regional participation platform, with its sector,
-- municipality, status and, for a message forwarded to ПОС, the ПОС appeal it became.
--
-- Rules (the model's YAML says the same):
--   sector        «Категория» in ref_platform_categories; a category not there: 'undefined'
--   municipality  int_channels__places
--   ПОС match     a message carrying «Номер ПОС» is matched to the ПОС appeal with that public number
--                 (fct_appeals.appeal_number of appeal_source 'pos'): pos_match 'matched' — the appeal is
--                 counted once, in ПОС, and never again as a platform item (is_counted_in_pos);
--                 'unmatched' — forwarded, but no ПОС appeal of that number is in the warehouse (yet),
--                 so it counts as a platform item; 'not_forwarded' — no ПОС number
--   person_key    the author's pseudonymised phone, else e-mail (kpi_appeals_all_channels)
--   address_key   «Адрес» with runs of blanks and punctuation collapsed (as int_appeals__unioned)

with

items as (

    select * from {{ ref('stg_platform__messages') }}

),

categories as (

    select * from {{ ref('ref_platform_categories') }}

),

places as (

    select * from {{ ref('int_channels__places') }}
    where channel_source = 'platform'

),

pos_appeals as (

    select
        appeal_number,
        min(source_appeal_id) as source_appeal_id
    from {{ ref('fct_appeals') }}
    where appeal_source = 'pos'
    group by appeal_number

),

final as (

    select
        -- keys
        cast(items.item_id as bigint) as item_id,
        cast(items.item_number as {{ type_text() }}) as item_number,
        cast(coalesce(categories.sector_code, 'undefined') as {{ type_text() }}) as sector_code,
        cast(places.municipality_key as {{ type_text() }}) as municipality_key,
        cast(coalesce(items.author_phone_key, items.author_email_key) as {{ type_text() }}) as person_key,
        cast(nullif(
            trim({{ regex_replace_all('items.address', '[[:space:][:punct:]]+', ' ') }}), ''
        ) as {{ type_text() }}) as address_key,
        cast(items.pos_number as {{ type_text() }}) as pos_number,
        cast(pos_appeals.source_appeal_id as bigint) as pos_appeal_id,
        cast(items.batch_id as bigint) as batch_id,

        -- dimensions
        cast(items.item_kind as {{ type_text() }}) as item_kind,
        cast(items.status_code as {{ type_text() }}) as status_code,
        cast(items.status_label as {{ type_text() }}) as status_label,
        cast(items.category as {{ type_text() }}) as category,
        cast(case
            when items.pos_number is null then 'not_forwarded'
            when pos_appeals.source_appeal_id is not null then 'matched'
            else 'unmatched'
        end as {{ type_text() }}) as pos_match,
        items.pos_number is not null as is_forwarded_to_pos,
        pos_appeals.source_appeal_id is not null as is_counted_in_pos,
        items.answered_at is not null as is_answered,

        -- measures
        cast(items.votes as integer) as votes,

        -- timestamps
        cast({{ to_source_local('items.created_at') }} as date) as created_date,
        items.created_at,
        items.forwarded_at,
        items.answered_at

    from items
    left join categories
        on items.category = categories.category
    left join places
        on items.item_id = places.item_id
    left join pos_appeals
        on items.pos_number = pos_appeals.appeal_number

)

select * from final
