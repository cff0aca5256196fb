-- Written appeals (59-ФЗ) from the EDMS, one row per registration card in its latest exported state,
-- the correspondent pseudonymised and the summary redacted (macros/pii/).
--
-- A monthly export holds the cards registered or changed that month in their state at the export, so a
-- card reappears in later files; the latest state is the row of the latest batch (files load in
-- export order), then the last row of the file. The correspondent's key is the keyed pseudonym of the
-- e-mail, else of the phone (the same person on ПОС has the same keys: kpi_appeals_all_channels).

with

appeals as (

    select * from {{ source('written', 'written_appeals') }}

),

exports_ranked as (

    select
        appeals.*,
        count(*) over (partition by appeals.isn_doc) as export_count,
        row_number() over (
            partition by appeals.isn_doc
            order by appeals.batch_id desc, appeals.source_row desc
        ) as export_rank
    from appeals

),

pseudonymised as (

    select
        *,
        {{ pseudonymise('citizen_email', kind='email') }} as citizen_email_key,
        {{ pseudonymise('citizen_phone', kind='phone') }} as citizen_phone_key
    from exports_ranked
    where export_rank = 1

),

final as (

    select
        -- keys
        isn_doc as appeal_id,
        trim(free_num) as registration_number,
        coalesce(citizen_email_key, citizen_phone_key) as citizen_key,
        citizen_email_key,
        citizen_phone_key,
        batch_id,
        source_row,

        -- dimensions
        {{ map_values('delivery_type', {
            'Почта': 'post',
            'Лично': 'in_person',
            'Электронная форма': 'e_form',
        }) }} as delivery_code,
        nullif(trim(delivery_type), '') as delivery_label,
        nullif(trim(municipality), '') as municipality_text,
        nullif(trim(problem_address), '') as problem_address,
        nullif(trim(rubric_code), '') as rubric_code,
        {{ redact_free_text('annotat', ['citizen_surname', 'citizen_name', 'citizen_patronymic']) }}
            as appeal_summary,
        nullif(trim(executor_name), '') as executor_name,
        nullif(trim(forward_to), '') as forwarded_to_name,
        {{ map_values('result', {
            'поддержано': 'supported',
            'меры приняты': 'measures_taken',
            'разъяснено': 'explained',
            'не поддержано': 'not_supported',
            'оставлено без ответа': 'left_unanswered',
        }) }} as result_code,
        nullif(trim(result), '') as result_label,

        -- measures
        export_count,

        -- dates
        doc_date as registered_on,
        prolong_date as extended_on,
        forward_date as forwarded_on,
        reply_date as answered_on,
        upd_date as updated_at

    from pseudonymised

)

select * from final
