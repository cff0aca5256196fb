-- The appeal facts computed over ALL appeals: exactly the rows and columns of fct_appeals as a full
-- refresh builds them. fct_appeals (incremental) selects from this view, only the appeals that need
-- recomputing; the singular test tests/assert_fct_appeals_matches_full_refresh.sql compares the two.
--
-- Rules (dbt/README.md, "On time"):
--   deadline_at        the official deadline: ПОС deadline_calendar_at (by kind: 59-ФЗ обращение 30
--                      days, +30 once when extended in time; сообщение pos_answer_days days), IM
--                      deadline_working_at (8 working hours from the assignment of the last executor,
--                      else from creation); see int_appeals__response_times
--   answered_on_time*  true when the FIRST response (first SEND_RESPONSE) came at or before the
--                      deadline (on the deadline counts as on time); false when answered later, when
--                      closed without an answer, or when still open and the deadline has passed as of
--                      the source's as-of time (an open appeal past its deadline is late); null when
--                      declined at moderation (no answer due) or open with the deadline still ahead.
--                      So the on-time denominator (answered_on_time not null) is every appeal whose
--                      deadline has passed, answered or not, plus those answered before it.
--   is_not_yet_due     open, not answered, not declined, deadline still ahead: «в работе, срок не
--                      наступил», reported apart from the on-time share
--   is_overdue_open    open (not answered, not declined) and deadline_at before the as-of time
--   is_platform_verdict_disagreement  IM: the platform's «Уложились или нет после назн. ПИ» differs
--                      from answered_on_time (answered incidents with a verdict only; else null)
--   as-of time         per source, the latest source_updated_at of any appeal of that source: the
--                      moment the newest export describes (ПОС and IM exports are taken separately)

with

appeals as (

    select * from {{ ref('int_appeals__unioned') }}

),

response_times as (

    select * from {{ ref('int_appeals__response_times') }}

),

repeats as (

    select * from {{ ref('int_appeals__repeats') }}

),

places as (

    -- Where the appeal happened: its location first, the answering body only without one.
    select * from {{ ref('int_appeals__places') }}

),

as_of as (

    select
        appeal_source,
        max(source_updated_at) as as_of_at
    from appeals
    group by appeal_source

),

joined as (

    select
        appeals.*,
        response_times.response_minutes_calendar,
        response_times.response_minutes_working,
        response_times.deadline_calendar_at,
        response_times.deadline_working_at,
        response_times.sla_started_at,
        response_times.is_deadline_extended,
        case
            when appeals.appeal_source = 'pos' then response_times.deadline_calendar_at
            else response_times.deadline_working_at
        end as deadline_at,
        repeats.is_repeat,
        repeats.is_repeat_by_person,
        repeats.is_repeat_by_address,
        places.municipality_key as place_municipality_key,
        places.municipality_method,
        as_of.as_of_at
    from appeals
    inner join response_times
        on
            appeals.appeal_source = response_times.appeal_source
            and appeals.source_appeal_id = response_times.source_appeal_id
    inner join repeats
        on
            appeals.appeal_source = repeats.appeal_source
            and appeals.source_appeal_id = repeats.source_appeal_id
    inner join as_of
        on appeals.appeal_source = as_of.appeal_source
    left join places
        on
            appeals.appeal_source = places.appeal_source
            and appeals.source_appeal_id = places.source_appeal_id

),

judged as (

    select
        *,
        case
            when moderation_outcome = 'declined' then null
            when first_response_at is not null then first_response_at <= deadline_at
            when not is_open then false
            when deadline_at < as_of_at then false
        end as on_time_deadline_at,
        case
            when moderation_outcome = 'declined' then null
            when first_response_at is not null then first_response_at <= deadline_calendar_at
            when not is_open then false
            when deadline_calendar_at < as_of_at then false
        end as on_time_deadline_calendar_at,
        case
            when moderation_outcome = 'declined' then null
            when first_response_at is not null then first_response_at <= deadline_working_at
            when not is_open then false
            when deadline_working_at < as_of_at then false
        end as on_time_deadline_working_at
    from joined

),

classified as (

    select
        *,
        on_time_deadline_at is null and moderation_outcome <> 'declined' as is_not_yet_due,
        case
            when appeal_source = 'im' and first_response_at is not null
                then platform_on_time <> on_time_deadline_at
        end as is_platform_verdict_disagreement
    from judged

),

final as (

    select
        -- keys
        appeal_source,
        source_appeal_id,
        appeal_number,
        channel_key,
        topic_key,
        sector_code,
        coalesce(place_municipality_key, 'unknown') as municipality_key,
        organisation_key,
        cast({{ to_source_local('created_at') }} as date) as created_date,
        batch_id,

        -- dimensions
        coalesce(municipality_method, 'undetermined') as municipality_method,
        appeal_kind_code,
        status_code,
        moderation_outcome,
        is_open,
        coalesce(is_open and moderation_outcome <> 'declined' and deadline_at < as_of_at, false)
            as is_overdue_open,
        on_time_deadline_at as answered_on_time,
        on_time_deadline_calendar_at as answered_on_time_calendar,
        on_time_deadline_working_at as answered_on_time_working,
        is_not_yet_due,
        is_deadline_extended,
        platform_on_time as is_on_time_by_platform,
        is_platform_verdict_disagreement,
        is_repeat,
        is_repeat_by_person,
        is_repeat_by_address,

        -- measures
        response_minutes_calendar,
        response_minutes_working,
        rating,

        -- timestamps
        created_at,
        sla_started_at,
        first_response_at,
        closed_at,
        deadline_at,
        deadline_calendar_at,
        deadline_working_at,
        source_updated_at

    from classified

)

select * from final
