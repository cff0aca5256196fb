-- Инцидент Менеджмент incidents, one row per incident in its latest exported state.
--
-- An incident reappears in later monthly exports while it is being worked on; the latest state is
-- the row of the latest export (the greatest batch: files load in export order), then the last row
-- of the file; the values' own dates do not rank exports.
-- The author's profile URL and name are personal data: only a keyed pseudonym of the URL passes.
-- Russian labels are kept for display, with stable codes next to them for filtering and logic.

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
        department,
        executor,
        moderator,
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
        sentiment,
        {{ map_values('sentiment', {
            'Позитивная': 'positive',
            'Положительная': 'positive',
            'Нейтральная': 'neutral',
            'Негативная': 'negative',
            'Отрицательная': 'negative',
        }) }} as sentiment_code,
        social_network,
        source_type,
        incident_text,
        first_response_text,
        rating_comment,
        {{ yes_no_to_boolean('on_time_after_assignment') }} as is_on_time_after_assignment,
        {{ yes_no_to_boolean('survey_sent') }} as is_survey_sent,
        {{ yes_no_to_boolean('overdue_flag') }} as is_overdue,
        {{ yes_no_to_boolean('repeat_flag') }} as is_repeat,
        on_time_after_assignment as on_time_after_assignment_label,
        survey_sent as survey_sent_label,
        overdue_flag as overdue_label,
        repeat_flag as repeat_label,

        -- measures
        rating,
        first_response_seconds,
        first_response_work_seconds,
        assignment_response_seconds,
        assignment_response_work_seconds,
        total_duration_seconds,
        audience,
        engagement,
        comments_count,
        reposts_count,
        likes_count,
        export_count,

        -- timestamps
        created_at,
        published_at,
        assigned_at,
        first_response_at,
        response_due_at,
        finished_at,
        modified_at

    from latest

)

select * from final
