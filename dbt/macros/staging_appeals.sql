{#-
    The staging rules of the appeal sources, as macros over the raw relation(s) they read, so that one
    copy of each rule serves two callers: the staging view (the raw source table: every appeal) and the
    incremental int_appeals__unioned (the raw rows of the appeals of new load batches only: an
    appeal's latest export, its history and its rating depend only on its own raw rows). The staging
    models' comments say what each rule is.
-#}

{#- ПОС appeals: the body of stg_pos__appeals over appeals (raw relations or CTE names). -#}
{% macro stg_pos_appeals(appeals) %}

with

appeals as (

    select * from {{ appeals }}

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

{%- endmacro %}

{#- ПОС status events: the body of stg_pos__appeal_events over events, appeals (raw relations or CTE names). -#}
{% macro stg_pos_appeal_events(events, appeals) %}

with

events as (

    select * from {{ events }}

),

appeals as (

    select * from {{ appeals }}

),

applicants as (

    select
        appeal_id,
        batch_id,
        applicant_surname,
        applicant_name,
        applicant_patronymic
    from appeals

),

chosen_export as (

    -- the newest export that carries the appeal's history. An aggregate, not a row_number() = 1
    -- filter: the planner cannot estimate that filter (it guessed 0.5 % of the rows), and with such an
    -- estimate it joined the applicants by a nested loop over the batch index, one probe of a whole
    -- batch per event (minutes at 200,000 appeals, quadratic in the size)
    select
        appeal_id,
        max(batch_id) as batch_id
    from events
    group by appeal_id

),

latest as (

    select
        events.*,
        applicants.applicant_surname,
        applicants.applicant_name,
        applicants.applicant_patronymic
    from events
    inner join chosen_export
        on
            events.appeal_id = chosen_export.appeal_id
            and events.batch_id = chosen_export.batch_id
    left join applicants
        on
            events.appeal_id = applicants.appeal_id
            and events.batch_id = applicants.batch_id

),

final as (

    select
        -- keys
        appeal_id,
        event_seq,
        batch_id,
        source_row,

        -- dimensions
        status as status_code,
        status_text,
        created_by,
        answer_type,
        {{ redact_free_text('answer_comment', ['applicant_surname', 'applicant_name', 'applicant_patronymic']) }}
            as answer_comment,
        {{ redact_free_text('reject_reason') }} as reject_reason,
        event_seq = max(event_seq) over (partition by appeal_id) as is_last_event,

        -- timestamps
        created_at

    from latest

)

select * from final

{%- endmacro %}

{#- Инцидент Менеджмент incidents: the body of stg_im__incidents over incidents (raw relations or CTE names). -#}
{% macro stg_im_incidents(incidents) %}

with

incidents as (

    select * from {{ incidents }}

),

exports_ranked as (

    select
        *,
        count(*) over (partition by incident_id) as export_count,
        row_number() over (
            partition by incident_id
            order by batch_id desc, source_row desc
        ) as export_rank
    from incidents

),

latest as (

    select * from exports_ranked
    where export_rank = 1

),

final as (

    select
        -- keys
        incident_id,
        incident_number,
        {{ pseudonymise('author_url', kind='url') }} as author_key,
        {{ pseudonymise('post_url', kind='url') }} as post_key,
        batch_id,
        source_row,

        -- dimensions
        cabinet,
        department,
        executor,
        cast(null as {{ type_text() }}) as moderator,
        current_step,
        {{ map_values('current_step', {
            'Готово': 'done',
            'Оценка удовлетворенности': 'satisfaction_survey',
        }) }} as current_step_code,
        topic_group,
        topic,
        region,
        municipality,
        locality,
        street,
        house,
        incident_type,
        {{ map_values('incident_type', {'Решаемый': 'actionable', 'Информационный': 'informational'}) }}
            as incident_type_code,
        outcome,
        {{ map_values('outcome', {
            'Разъяснено': 'explained',
            'Решено': 'resolved',
            'Не решено': 'not_resolved',
            'Отложено': 'postponed',
        }) }} as outcome_code,
        closing_reason,
        {{ map_values('closing_reason', {
            'Автор доволен': 'author_satisfied',
            'Нет ответа от автора': 'no_author_reply',
            'Дальнейший диалог нецелесообразен': 'dialogue_pointless',
        }) }} as closing_reason_code,
        cast(null as {{ type_text() }}) as sentiment,
        cast(null as {{ type_text() }}) as sentiment_code,
        {%- set url_host = '^https?://([a-z0-9-]+\\.)*' %}
        case
            when {{ regex_matches('post_url', url_host ~ '(vk\\.com|vk\\.ru)(/|$)', ignore_case=true) }} then 'ВКонтакте'
            when {{ regex_matches('post_url', url_host ~ '(ok\\.ru)(/|$)', ignore_case=true) }} then 'Одноклассники'
            when {{ regex_matches('post_url', url_host ~ '(t\\.me|telegram\\.me)(/|$)', ignore_case=true) }} then 'Telegram'
        end as social_network,
        cast(null as {{ type_text() }}) as source_type,
        {{ redact_free_text('incident_text') }} as incident_text,
        {{ redact_free_text('first_response_text') }} as first_response_text,
        cast(null as {{ type_text() }}) as rating_comment,
        {{ yes_no_to_boolean('on_time_after_assignment') }} as is_on_time_after_assignment,
        {{ yes_no_to_boolean('survey_sent') }} as is_survey_sent,
        cast(null as boolean) as is_overdue,
        cast(null as boolean) as is_repeat,
        on_time_after_assignment as on_time_after_assignment_label,
        survey_sent as survey_sent_label,
        cast(null as {{ type_text() }}) as overdue_label,
        cast(null as {{ type_text() }}) as repeat_label,

        -- measures
        cast(null as smallint) as rating,
        first_response_seconds,
        first_response_work_seconds,
        assignment_response_seconds,
        cast(null as {{ type_numeric() }}) as assignment_response_work_seconds,
        total_duration_seconds,
        audience,
        engagement,
        cast(null as bigint) as comments_count,
        cast(null as bigint) as reposts_count,
        cast(null as bigint) as likes_count,
        export_count,

        -- timestamps
        created_at,
        cast(null as {{ type_timestamptz() }}) as published_at,
        assigned_at,
        first_response_at,
        cast(null as {{ type_timestamptz() }}) as response_due_at,
        finished_at,
        cast(null as {{ type_timestamptz() }}) as modified_at

    from latest

)

select * from final

{%- endmacro %}

{#- survey ratings: the body of stg_surveys__ratings over ratings (raw relations or CTE names). -#}
{% macro stg_surveys_ratings(ratings) %}

with

ratings as (

    select * from {{ ratings }}

),

coded as (

    select
        *,
        {{ map_values('appeal_system', {'ПОС': 'pos', 'Инцидент Менеджмент': 'im'}) }} as appeal_source
    from ratings

),

ranked as (

    select
        *,
        count(*) over (partition by appeal_source, appeal_id) as rating_rows_count,
        row_number() over (
            partition by appeal_source, appeal_id
            order by rated_at desc, batch_id desc, source_row desc
        ) as rating_rank
    from coded
    where appeal_source is not null

),

final as (

    select
        -- keys
        appeal_source,
        appeal_id,
        nullif(trim(appeal_number), '') as appeal_number,
        batch_id,
        source_row,

        -- dimensions
        {{ redact_free_text('rating_comment') }} as rating_comment,

        -- measures
        rating,
        rating_rows_count,

        -- timestamps
        rated_at

    from ranked
    where rating_rank = 1

)

select * from final

{%- endmacro %}
