-- Инцидент Менеджмент incidents, one row per incident in its latest exported state.
--
-- An incident reappears in later monthly exports while it is being worked on; the latest state is
-- the row of the latest export (the greatest batch: files load in export order), then the last row
-- of the file; the values' own dates do not rank exports.
-- The author's profile URL is personal data: only a keyed pseudonym of it passes. The texts are
-- redacted (phones, e-mails, documents, profile links: macros/pii/redact.sql; real exports carry no
-- author name to look for).
-- Russian labels are kept for display, with stable codes next to them for filtering and logic.
-- The social network is not a column of real exports: it is read from the post's URL.
-- Columns the project used before the real export header was known (rating, sentiment, moderator,
-- overdue and repeat flags, counters, publication/due/modification times) are no longer in the raw
-- table; they stay here as typed nulls until the models that read them move on (issue 9).

with

incidents as (

    select * from {{ source('im', 'im_incidents') }}

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
        cast(null as text) as moderator,
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
        cast(null as text) as sentiment,
        cast(null as text) as sentiment_code,
        case
            when post_url ~* '^https?://([a-z0-9-]+\.)*(vk\.com|vk\.ru)(/|$)' then 'ВКонтакте'
            when post_url ~* '^https?://([a-z0-9-]+\.)*(ok\.ru)(/|$)' then 'Одноклассники'
            when post_url ~* '^https?://([a-z0-9-]+\.)*(t\.me|telegram\.me)(/|$)' then 'Telegram'
        end as social_network,
        cast(null as text) as source_type,
        {{ redact_free_text('incident_text') }} as incident_text,
        {{ redact_free_text('first_response_text') }} as first_response_text,
        cast(null as text) as rating_comment,
        {{ yes_no_to_boolean('on_time_after_assignment') }} as is_on_time_after_assignment,
        {{ yes_no_to_boolean('survey_sent') }} as is_survey_sent,
        cast(null as boolean) as is_overdue,
        cast(null as boolean) as is_repeat,
        on_time_after_assignment as on_time_after_assignment_label,
        survey_sent as survey_sent_label,
        cast(null as text) as overdue_label,
        cast(null as text) as repeat_label,

        -- measures
        cast(null as smallint) as rating,
        first_response_seconds,
        first_response_work_seconds,
        assignment_response_seconds,
        cast(null as numeric) as assignment_response_work_seconds,
        total_duration_seconds,
        audience,
        engagement,
        cast(null as bigint) as comments_count,
        cast(null as bigint) as reposts_count,
        cast(null as bigint) as likes_count,
        export_count,

        -- timestamps
        created_at,
        cast(null as timestamptz) as published_at,
        assigned_at,
        first_response_at,
        cast(null as timestamptz) as response_due_at,
        finished_at,
        cast(null as timestamptz) as modified_at

    from latest

)

select * from final
