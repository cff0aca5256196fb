-- ПОС appeals, one row per appeal in its latest exported state, personal data pseudonymised and the
-- appeal's text redacted (phones, e-mails, documents, profile links, the applicant's own name:
-- macros/pii/redact.sql).
--
-- A monthly export holds every appeal created or changed that month in its current state, so an
-- appeal reappears in later files. The latest state is the row of the latest export: the greatest
-- batch (files load in export order), then the last row of the file. The values' own dates do not
-- rank exports: a later export may carry older dates (a CSV report without history, a corrected
-- record) and is still the platform's latest word on the appeal. This model reads the appeals table
-- only; the status history is stg_pos__appeal_events, joined in int_appeals__unioned.

with

appeals as (

    select * from {{ source('pos', 'pos_appeals') }}

),

exports_ranked as (

    select
        appeals.*,
        count(*) over (partition by appeals.appeal_id) as export_count,
        row_number() over (
            partition by appeals.appeal_id
            order by
                appeals.batch_id desc,
                appeals.source_row desc
        ) as export_rank
    from appeals

),

latest as (

    select * from exports_ranked
    where export_rank = 1

),

pseudonymised as (

    select
        *,
        {{ pseudonymise('applicant_epgu_id', kind='id', domain='epgu') }} as applicant_epgu_key,
        {{ pseudonymise('applicant_email', kind='email') }} as applicant_email_key,
        {{ pseudonymise('applicant_phone', kind='phone') }} as applicant_phone_key
    from latest

),

final as (

    select
        -- keys
        appeal_id,
        nullif(trim(pos_id), '') as pos_number,
        coalesce(applicant_epgu_key, applicant_email_key, applicant_phone_key) as applicant_key,
        case
            when applicant_epgu_key is not null then 'epgu_id'
            when applicant_email_key is not null then 'email'
            when applicant_phone_key is not null then 'phone'
        end as applicant_key_basis,
        applicant_epgu_key,
        applicant_email_key,
        applicant_phone_key,
        batch_id,
        source_row,

        -- dimensions
        status as status_code,
        status_text,
        {{ map_values('appeal_kind', {'обращение': 'appeal', 'сообщение': 'message'}) }} as appeal_kind_code,
        appeal_kind as appeal_kind_label,
        subject_id,
        subject_name,
        subsubject_id,
        subsubject_name,
        {{ redact_free_text('description', ['applicant_surname', 'applicant_name', 'applicant_patronymic']) }}
            as appeal_text,
        location_address,
        location_latitude,
        location_longitude,
        org_name,
        org_address,
        nullif(trim(org_inn), '') as org_inn,
        nullif(trim(org_kpp), '') as org_kpp,
        nullif(trim(org_ogrn), '') as org_ogrn,
        nullif(trim(org_oktmo), '') as org_oktmo,
        source_format,
        (
            nullif(trim(applicant_surname), '') is not null
            or nullif(trim(applicant_name), '') is not null
        ) as has_applicant_name,

        -- measures
        rating,
        export_count,

        -- timestamps
        created_at,
        answer_at

    from pseudonymised

)

select * from final
