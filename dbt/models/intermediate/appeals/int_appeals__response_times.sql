-- Deadlines and response times of every appeal, in calendar and in working time (the production
-- calendar of int_calendar__days, local time var source_timezone; see macros/working_time.sql).
--
-- Deadlines (rules in dbt/README.md, "On time"; vars in dbt_project.yml):
--   ПОС  by the appeal's kind. A 59-ФЗ обращение ('appeal'): created_at + appeal_59fz_answer_days (30)
--        CALENDAR days, plus appeal_59fz_extension_days (30) once when a POSTPONE was recorded on or
--        before that original deadline (59-ФЗ art. 12; a postponement after the deadline, or a second
--        one, moves nothing); the law counts calendar days, so its working-time variant is the same
--        moment. A ПОС сообщение ('message'): created_at + pos_answer_days (8) calendar days, plus
--        pos_message_extension_days (0) when postponed in time; the working-time variant = the end of
--        the pos_answer_days-th working day after the local creation date (the creation day itself
--        not counted).
--   IM   official deadline = incident_first_response_work_hours (8) WORKING hours after the SLA start:
--        the assignment of the last executor (assigned_at, «Время назначения последнего исполнителя»)
--        or the creation when the export has no assignment, counted from that moment or from the next
--        opening of a working window; the calendar variant = SLA start + the same number of hours.
-- Response time = first_response_at - created_at; working response time = working seconds between
-- the two moments (lunch breaks, nights, days off and holidays excluded). The time to the first
-- response is always counted from creation (what the applicant waits); only the IM SLA deadline
-- starts at the assignment.

with

appeals as (

    select
        appeal_source,
        source_appeal_id,
        appeal_kind_code,
        created_at,
        case
            when appeal_source = 'im' then coalesce(assigned_at, created_at)
            else created_at
        end as sla_started_at,
        extension_requested_at,
        first_response_at
    from {{ ref('int_appeals__unioned') }}

),

calendar as (

    select * from {{ ref('int_calendar__days') }}

),

localised as (

    select
        *,
        {{ to_source_local('created_at') }} as created_local,
        {{ to_source_local('sla_started_at') }} as started_local,
        {{ to_source_local('first_response_at') }} as responded_local,
        case
            when appeal_kind_code = 'appeal' then {{ var('appeal_59fz_answer_days') }}
            else {{ var('pos_answer_days') }}
        end as term_days,
        case
            when appeal_kind_code = 'appeal' then {{ var('appeal_59fz_extension_days') }}
            else {{ var('pos_message_extension_days') }}
        end as extension_days
    from appeals

),

terms as (

    select
        *,
        coalesce(
            appeal_source = 'pos'
            and extension_days > 0
            and extension_requested_at <= {{ dbt.dateadd('day', 'term_days', 'created_at') }},
            false
        ) as is_deadline_extended
    from localised

),

positioned as (

    select
        terms.appeal_source,
        terms.source_appeal_id,
        terms.appeal_kind_code,
        terms.created_at,
        terms.sla_started_at,
        terms.first_response_at,
        terms.is_deadline_extended,
        terms.term_days + case when terms.is_deadline_extended then terms.extension_days else 0 end
            as deadline_days,
        {{ work_position('terms.created_local', 'created_day') }} as created_work_position,
        {{ work_position('terms.started_local', 'started_day') }} as started_work_position,
        {{ work_position('terms.responded_local', 'responded_day') }} as responded_work_position,
        created_day.working_day_number as created_working_day_number,
        started_day.working_day_number as started_working_day_number
    from terms
    left join calendar as created_day
        on cast(terms.created_local as date) = created_day.date_day
    left join calendar as started_day
        on cast(terms.started_local as date) = started_day.date_day
    left join calendar as responded_day
        on cast(terms.responded_local as date) = responded_day.date_day

),

targets as (

    select
        *,
        started_work_position + {{ var('incident_first_response_work_hours') }} * 3600 as deadline_work_position,
        created_working_day_number + deadline_days as deadline_working_day_number
    from positioned

),

-- the working day in which the working-hours deadline falls: the one whose working seconds reach
-- the target position. It is at most a few working days after the SLA start day (a working day has at
-- least the seconds of a shortened day), so the candidates are the start day's working-day number
-- plus 0 … max_offset, joined by equality (a hash join, not a range join over the calendar).
{%- set shortest_day_seconds = (clock_to_seconds(var('work_day_end')) | int) - 3600
    - (clock_to_seconds(var('work_day_start')) | int)
    - ((clock_to_seconds(var('lunch_end')) | int) - (clock_to_seconds(var('lunch_start')) | int)) %}
{%- set max_offset = ((var('incident_first_response_work_hours') * 3600 + shortest_day_seconds - 1)
    // shortest_day_seconds) + 1 %}
day_offsets as (

    {% for day_offset in range(max_offset + 1) %}
        select {{ day_offset }} as day_offset
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

working_days as (

    select * from calendar
    where is_working_day

),

hours_candidates as (

    select
        targets.appeal_source,
        targets.source_appeal_id,
        targets.deadline_work_position,
        targets.started_working_day_number + day_offsets.day_offset as candidate_day_number
    from targets
    cross join day_offsets
    where targets.appeal_source = 'im'

),

hours_deadline as (

    select
        hours_candidates.appeal_source,
        hours_candidates.source_appeal_id,
        {{ from_source_local(
            dbt.dateadd(
                'second',
                clock_at_work_offset(
                    'hours_candidates.deadline_work_position - deadline_day.work_seconds_before', 'deadline_day'
                ),
                'cast(deadline_day.date_day as timestamp)'
            )
        ) }} as deadline_at
    from hours_candidates
    inner join working_days as deadline_day
        on hours_candidates.candidate_day_number = deadline_day.working_day_number
    where
        deadline_day.work_seconds_before < hours_candidates.deadline_work_position
        and hours_candidates.deadline_work_position <= deadline_day.work_seconds_before + deadline_day.work_seconds

),

-- ПОС сообщение: the deadline_days-th working day after the creation date; the deadline is its end
days_deadline as (

    select
        targets.appeal_source,
        targets.source_appeal_id,
        {{ from_source_local(dbt.dateadd('day', 1, 'cast(deadline_day.date_day as timestamp)')) }} as deadline_at
    from targets
    inner join working_days as deadline_day
        on targets.deadline_working_day_number = deadline_day.working_day_number
    where
        targets.appeal_source = 'pos'
        and targets.appeal_kind_code is distinct from 'appeal'

),

final as (

    select
        -- keys
        targets.appeal_source,
        targets.source_appeal_id,

        -- dimensions
        targets.is_deadline_extended,

        -- measures
        cast(
            round(cast({{ seconds_between('targets.created_at', 'targets.first_response_at') }} / 60 as numeric), 2)
            as numeric(14, 2)
        ) as response_minutes_calendar,
        cast(
            round(cast((targets.responded_work_position - targets.created_work_position) / 60 as numeric), 2)
            as numeric(14, 2)
        ) as response_minutes_working,

        -- timestamps
        targets.sla_started_at,
        case
            when targets.appeal_source = 'pos'
                then {{ dbt.dateadd('day', 'targets.deadline_days', 'targets.created_at') }}
            else {{ dbt.dateadd('hour', var('incident_first_response_work_hours'), 'targets.sla_started_at') }}
        end as deadline_calendar_at,
        case
            when targets.appeal_source = 'im' then hours_deadline.deadline_at
            when targets.appeal_kind_code = 'appeal'
                then {{ dbt.dateadd('day', 'targets.deadline_days', 'targets.created_at') }}
            else days_deadline.deadline_at
        end as deadline_working_at

    from targets
    left join hours_deadline
        on
            targets.appeal_source = hours_deadline.appeal_source
            and targets.source_appeal_id = hours_deadline.source_appeal_id
    left join days_deadline
        on
            targets.appeal_source = days_deadline.appeal_source
            and targets.source_appeal_id = days_deadline.source_appeal_id

)

select * from final
