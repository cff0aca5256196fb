{#- The logic of the appeal facts as macros over a relation of appeals (rows of int_appeals__unioned),
    so that the intermediate views (every appeal) and the incremental fct_appeals (only the appeals a
    run recomputes) share one text: int_appeals__response_times, __repeats, __places and __final call
    these over ref('int_appeals__unioned'); fct_appeals calls them over the appeals to process. The
    rules are documented in those models' headers. -#}

{% macro appeal_response_times(appeals) %}
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
    from {{ appeals }}

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
            round(cast({{ seconds_between('targets.created_at', 'targets.first_response_at') }} / 60 as {{
                type_numeric() }}), 2)
            as numeric(14, 2)
        ) as response_minutes_calendar,
        cast(
            round(cast((targets.responded_work_position - targets.created_work_position) / 60 as {{
                type_numeric() }}), 2)
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
{% endmacro %}

{% macro appeal_repeats(appeals, current=none) %}
{#- current: the appeals to flag (default: all of appeals); earlier appeals are looked for in appeals -#}
{%- set current_appeals = 'appeals' if current is none else 'current_appeals' %}
with

appeals as (

    select
        appeal_source,
        source_appeal_id,
        topic_key,
        person_key,
        address_key,
        moderation_outcome,
        created_at,
        cast({{ to_source_local('created_at') }} as date) as created_local_date
    from {{ appeals }}
    {% if current is not none %}
        -- only appeals that can be earlier than one of the current ones (the window, one day spare)
        where created_at >= (
            select {{ dbt.dateadd('day', -1 * var('repeat_window_days') - 1, 'min(created_at)') }}
            from {{ current }}
        )
    {% endif %}

),

{% if current is not none %}

current_appeals as (

    select
        appeal_source,
        source_appeal_id,
        topic_key,
        person_key,
        address_key,
        moderation_outcome,
        created_at,
        cast({{ to_source_local('created_at') }} as date) as created_local_date
    from {{ current }}

),

{% endif %}

{#- a repeat by the same person and one at the same address: one equi-join each (hashable, indexed) -#}
{% for key in ['person', 'address'] %}

same_{{ key }} as (

    select distinct
        current_appeal.appeal_source,
        current_appeal.source_appeal_id
    from {{ current_appeals }} as current_appeal
    inner join appeals as earlier
        on
            current_appeal.appeal_source = earlier.appeal_source
            and current_appeal.topic_key = earlier.topic_key
            and current_appeal.{{ key }}_key = earlier.{{ key }}_key
    where
        current_appeal.topic_key <> 'unknown'
        and earlier.moderation_outcome is distinct from 'declined'
        and earlier.created_local_date
        >= {{ dbt.dateadd('day', -1 * var('repeat_window_days'), 'current_appeal.created_local_date') }}
        and (
            earlier.created_at < current_appeal.created_at
            or (
                earlier.created_at = current_appeal.created_at
                and earlier.source_appeal_id < current_appeal.source_appeal_id
            )
        )

),

{% endfor %}

flagged as (

    select
        {{ current_appeals }}.appeal_source,
        {{ current_appeals }}.source_appeal_id,
        same_person.source_appeal_id is not null as is_repeat_by_person,
        same_address.source_appeal_id is not null as is_repeat_by_address
    from {{ current_appeals }}
    left join same_person
        on
            {{ current_appeals }}.appeal_source = same_person.appeal_source
            and {{ current_appeals }}.source_appeal_id = same_person.source_appeal_id
    left join same_address
        on
            {{ current_appeals }}.appeal_source = same_address.appeal_source
            and {{ current_appeals }}.source_appeal_id = same_address.source_appeal_id

),

final as (

    select
        -- keys
        appeal_source,
        source_appeal_id,

        -- dimensions
        is_repeat_by_person or is_repeat_by_address as is_repeat,
        is_repeat_by_person,
        is_repeat_by_address

    from flagged

)

select * from final
{% endmacro %}

{% macro appeal_places(appeals) %}
with

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

organisations as (

    select * from {{ ref('ref_organisations') }}

),

located as (

    select
        appeal_source,
        source_appeal_id,
        location_text,
        location_latitude as latitude,
        location_longitude as longitude,
        body_oktmo,
        body_inn,
        body_name
    from {{ appeals }}

),

normalised as (

    select
        *,
        ' ' || {{ normalise_place('location_text') }} || ' ' as location_words
    from located

),

place_names as (

    {{ municipality_place_names('municipalities') }}

),

text_matches as (

    {{ named_municipalities('normalised', 'place_names', ['appeal_source', 'source_appeal_id']) }}

),

coordinate_matches as (

    select
        normalised.appeal_source,
        normalised.source_appeal_id,
        cast(municipalities.oktmo as {{ type_varchar() }}) as oktmo,
        row_number() over (
            partition by normalised.appeal_source, normalised.source_appeal_id
            order by
                2 * 6371 * asin(sqrt(
                    power(sin(radians(municipalities.centre_latitude - normalised.latitude) / 2), 2)
                    + cos(radians(normalised.latitude)) * cos(radians(municipalities.centre_latitude))
                    * power(sin(radians(municipalities.centre_longitude - normalised.longitude) / 2), 2)
                )) asc
        ) as match_rank,
        2 * 6371 * asin(sqrt(
            power(sin(radians(municipalities.centre_latitude - normalised.latitude) / 2), 2)
            + cos(radians(normalised.latitude)) * cos(radians(municipalities.centre_latitude))
            * power(sin(radians(municipalities.centre_longitude - normalised.longitude) / 2), 2)
        )) as distance_km
    from normalised
    cross join municipalities
    where normalised.latitude is not null and normalised.longitude is not null

),

body_places as (

    select
        normalised.appeal_source,
        normalised.source_appeal_id,
        coalesce(
            cast(municipality_by_code.oktmo as {{ type_varchar() }}),
            cast(organisation_by_inn.oktmo as {{ type_varchar() }}),
            cast(organisation_by_name.oktmo as {{ type_varchar() }})
        ) as oktmo
    from normalised
    left join municipalities as municipality_by_code
        on normalised.body_oktmo = cast(municipality_by_code.oktmo as {{ type_varchar() }})
    left join organisations as organisation_by_inn
        on normalised.body_inn = cast(organisation_by_inn.inn as {{ type_varchar() }})
    left join organisations as organisation_by_name
        on
            organisation_by_inn.org_code is null
            and normalised.body_name = organisation_by_name.org_name

),

resolved as (

    select
        normalised.appeal_source,
        normalised.source_appeal_id,
        normalised.location_text,
        text_matches.oktmo as text_oktmo,
        case
            when coordinate_matches.distance_km <= {{ var('place_max_distance_km') }}
                then coordinate_matches.oktmo
        end as coordinate_oktmo,
        body_places.oktmo as body_oktmo,
        normalised.location_text is null
        and (normalised.latitude is null or normalised.longitude is null) as has_no_location
    from normalised
    left join text_matches
        on
            normalised.appeal_source = text_matches.appeal_source
            and normalised.source_appeal_id = text_matches.source_appeal_id
            and text_matches.match_rank = 1
    left join coordinate_matches
        on
            normalised.appeal_source = coordinate_matches.appeal_source
            and normalised.source_appeal_id = coordinate_matches.source_appeal_id
            and coordinate_matches.match_rank = 1
    left join body_places
        on
            normalised.appeal_source = body_places.appeal_source
            and normalised.source_appeal_id = body_places.source_appeal_id

),

final as (

    select
        -- keys
        appeal_source,
        source_appeal_id,
        case
            when text_oktmo is not null then text_oktmo
            when coordinate_oktmo is not null then coordinate_oktmo
            when has_no_location and body_oktmo is not null then body_oktmo
            else 'unknown'
        end as municipality_key,
        coalesce(body_oktmo, 'unknown') as body_municipality_key,

        -- dimensions
        case
            when text_oktmo is not null or coordinate_oktmo is not null then 'location'
            when has_no_location and body_oktmo is not null then 'organisation'
            else 'undetermined'
        end as municipality_method,
        case
            when text_oktmo is not null then 'address'
            when coordinate_oktmo is not null then 'coordinates'
            when has_no_location and body_oktmo is not null then 'organisation'
            else 'none'
        end as place_source,
        location_text

    from resolved

)

select * from final
{% endmacro %}

{% macro appeal_facts(appeals, response_times, repeats, places, all_appeals=none) %}
{#- all_appeals: every appeal, for the as-of time of each source (default: appeals) -#}
with

appeals as (

    select * from {{ appeals }}

),

response_times as (

    select * from {{ response_times }}

),

repeats as (

    select * from {{ repeats }}

),

places as (

    -- Where the appeal happened: its location first, the answering body only without one.
    select * from {{ places }}

),

as_of as (

    select
        appeal_source,
        max(source_updated_at) as as_of_at
    from {{ appeals if all_appeals is none else all_appeals }}
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
        {%- for deadline in ['deadline', 'deadline_calendar', 'deadline_working'] %}
        case
            when moderation_outcome = 'declined' then null
            when first_response_at is not null then first_response_at <= {{ deadline }}_at
            when not is_open then false
            when {{ deadline }}_at < as_of_at then false
        end as on_time_{{ deadline }}_at{{ "," if not loop.last }}
        {%- endfor %}
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
{% endmacro %}
