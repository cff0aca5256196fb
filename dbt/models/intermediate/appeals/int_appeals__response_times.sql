-- Deadlines and response times of every appeal, in calendar and in working time (the production
-- calendar of int_calendar__days, local time var source_timezone; see macros/working_time.sql).
--
-- Deadlines (project rules, vars in dbt_project.yml):
--   ПОС  official deadline = created_at + var pos_answer_days CALENDAR days (KPI "answer within 8
--        days"); the working-time variant = the end of the pos_answer_days-th working day after the
--        local creation date (the creation day itself not counted).
--   IM   official deadline = created_at + var incident_first_response_work_hours WORKING hours (KPI
--        "first response within 8 working hours"), counted from the creation moment, or from the
--        next opening of a working window when created outside one; the calendar variant =
--        created_at + the same number of calendar hours.
-- Response time = first_response_at - created_at; working response time = working seconds between
-- the two moments (lunch breaks, nights, days off and holidays excluded).

with

appeals as (

    select
        appeal_source,
        source_appeal_id,
        created_at,
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
        {{ to_source_local('first_response_at') }} as responded_local
    from appeals

),

positioned as (

    select
        localised.appeal_source,
        localised.source_appeal_id,
        localised.created_at,
        localised.first_response_at,
        {{ work_position('localised.created_local', 'created_day') }} as created_work_position,
        {{ work_position('localised.responded_local', 'responded_day') }} as responded_work_position,
        created_day.working_day_number as created_working_day_number
    from localised
    left join calendar as created_day
        on cast(localised.created_local as date) = created_day.date_day
    left join calendar as responded_day
        on cast(localised.responded_local as date) = responded_day.date_day

),

targets as (

    select
        *,
        created_work_position + {{ var('incident_first_response_work_hours') }} * 3600 as deadline_work_position,
        created_working_day_number + {{ var('pos_answer_days') }} as deadline_working_day_number
    from positioned

),

-- the working day in which the working-hours deadline falls: the one whose working seconds reach
-- the target position. It is at most a few working days after the creation day (a working day has at
-- least the seconds of a shortened day), so the candidates are the creation day's working-day number
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
        targets.created_working_day_number + day_offsets.day_offset as candidate_day_number
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

-- the pos_answer_days-th working day after the creation date: the deadline is its end (midnight)
days_deadline as (

    select
        targets.appeal_source,
        targets.source_appeal_id,
        {{ from_source_local(dbt.dateadd('day', 1, 'cast(deadline_day.date_day as timestamp)')) }} as deadline_at
    from targets
    inner join working_days as deadline_day
        on targets.deadline_working_day_number = deadline_day.working_day_number
    where targets.appeal_source = 'pos'

),

final as (

    select
        -- keys
        targets.appeal_source,
        targets.source_appeal_id,

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
        case
            when targets.appeal_source = 'pos'
                then {{ dbt.dateadd('day', var('pos_answer_days'), 'targets.created_at') }}
            else {{ dbt.dateadd('hour', var('incident_first_response_work_hours'), 'targets.created_at') }}
        end as deadline_calendar_at,
        case
            when targets.appeal_source = 'pos' then days_deadline.deadline_at
            else hours_deadline.deadline_at
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
