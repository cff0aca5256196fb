-- ПОС status history: one row per status event of an appeal, from the appeal's latest export.
--
-- Each JSON-lines export repeats the whole history of every appeal it holds. The history kept is the
-- one of the appeal's latest export that has a history (the greatest batch; the events' own dates do
-- not rank exports): the same export that stg_pos__appeals keeps when that export has a history (the
-- CSV report has none; an appeal last seen in a CSV file keeps the history of its latest JSON-lines
-- export).
-- The answer texts are redacted (macros/pii/redact.sql), the applicant's own name included: it is
-- read from the appeal's row of the same export (the JSON line that carries the history).

with

events as (

    select * from {{ source('pos', 'pos_appeal_events') }}

),

appeals as (

    select * from {{ source('pos', 'pos_appeals') }}

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
