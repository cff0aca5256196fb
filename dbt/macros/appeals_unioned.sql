{#-
    appeals_unioned(pos_appeals, pos_events, im_incidents, survey_ratings): the rows of
    int_appeals__unioned (without its bookkeeping columns) from the staged ПОС appeals, their status
    events, the IM incidents and the survey ratings (relations or CTE names in the shapes of
    stg_pos__appeals, stg_pos__appeal_events, stg_im__incidents, stg_surveys__ratings). The model's
    comments say what each rule is. Callers: the model (the staging views in a full refresh, the
    changed appeals' raw rows through the staging macros in an incremental run) and
    tests/assert_int_appeals__unioned_matches_full_refresh.sql (the staging views).
-#}
{% macro appeals_unioned(pos_appeals, pos_events, im_incidents, survey_ratings) %}

with

pos_appeals as (

    select * from {{ pos_appeals }}

),

pos_events as (

    select * from {{ pos_events }}

),

im_incidents as (

    select * from {{ im_incidents }}

),

survey_ratings as (

    select * from {{ survey_ratings }}

),

topics as (

    select * from {{ ref('int_topics__mapped') }}

),

organisations as (

    select * from {{ ref('ref_organisations') }}

),

municipalities as (

    select * from {{ ref('ref_municipalities') }}

),

pos_event_summary as (

    select
        appeal_id,
        max(batch_id) as history_batch_id,
        max(created_at) as last_event_at,
        min(case when status_code = 'SEND_RESPONSE' then created_at end) as first_response_event_at,
        min(case when status_code = 'POSTPONE' then created_at end) as first_postpone_at,
        max(case when status_code = 'MODERATION_DECLINE' then created_at end) as declined_at
    from pos_events
    group by appeal_id

),

pos_appeals_with_history as (

    -- the history summary of the export each appeal's state was kept from (a later CSV report has
    -- no history: then no newest event, and the answer time stands in)
    select
        pos_appeals.*,
        pos_event_summary.first_response_event_at,
        pos_event_summary.first_postpone_at,
        pos_event_summary.declined_at,
        case
            when pos_event_summary.history_batch_id = pos_appeals.batch_id
                then pos_event_summary.last_event_at
        end as last_event_at
    from pos_appeals
    left join pos_event_summary
        on pos_appeals.appeal_id = pos_event_summary.appeal_id

),

pos_shaped as (

    select
        'pos' as appeal_source,
        pos_appeals.appeal_id as source_appeal_id,
        coalesce(pos_appeals.pos_number, cast(pos_appeals.appeal_id as {{ type_varchar() }})) as appeal_number,
        'pos' as channel_key,
        case
            when pos_appeals.subsubject_id is not null
                then 'pos-' || cast(pos_appeals.subsubject_id as {{ type_varchar() }})
            else 'unknown'
        end as topic_key,
        pos_appeals.org_oktmo as municipality_code,
        cast(null as {{ type_varchar() }}) as municipality_name,
        pos_appeals.org_inn as organisation_inn,
        pos_appeals.org_name as organisation_name,
        pos_appeals.applicant_key as person_key,
        coalesce(
            pos_appeals.applicant_phone_key, pos_appeals.applicant_email_key, pos_appeals.applicant_key
        ) as contact_key,
        pos_appeals.location_address as address_text,
        coalesce(pos_appeals.appeal_kind_code, '{{ var("pos_default_appeal_kind") }}') as appeal_kind_code,
        pos_appeals.status_code,
        case
            when pos_appeals.status_code = 'MODERATION_DECLINE' then 'declined'
            when pos_appeals.status_code = 'MODERATION_NEW' then 'pending'
            else 'accepted'
        end as moderation_outcome,
        pos_appeals.status_code not in ('SEND_RESPONSE', 'MODERATION_DECLINE') as is_open,
        cast(null as boolean) as platform_on_time,
        pos_appeals.batch_id,
        pos_appeals.created_at,
        cast(null as {{ type_timestamptz() }}) as assigned_at,
        pos_appeals.first_postpone_at as extension_requested_at,
        coalesce(pos_appeals.first_response_event_at, pos_appeals.answer_at) as first_response_at,
        case
            when pos_appeals.status_code = 'SEND_RESPONSE'
                then coalesce(pos_appeals.answer_at, pos_appeals.last_event_at)
            when pos_appeals.status_code = 'MODERATION_DECLINE'
                then coalesce(pos_appeals.declined_at, pos_appeals.last_event_at)
        end as closed_at,
        coalesce(
            pos_appeals.last_event_at,
            greatest(pos_appeals.created_at, pos_appeals.answer_at)
        ) as source_updated_at,
        nullif(trim(pos_appeals.location_address), '') as location_text,
        cast(pos_appeals.location_latitude as {{ type_double() }}) as location_latitude,
        cast(pos_appeals.location_longitude as {{ type_double() }}) as location_longitude,
        left(nullif(trim(pos_appeals.org_oktmo), ''), 8) as body_oktmo,
        cast(pos_appeals.org_inn as {{ type_varchar() }}) as body_inn,
        nullif(trim(pos_appeals.org_name), '') as body_name
    from pos_appeals_with_history as pos_appeals

),

im_shaped as (

    select
        'im' as appeal_source,
        cast(incident_id as bigint) as source_appeal_id,
        cast(incident_number as {{ type_varchar() }}) as appeal_number,
        'im_' || coalesce(
            {{ map_values('social_network', {
                'ВКонтакте': 'vk',
                'Одноклассники': 'ok',
                'Telegram': 'telegram',
            }) }},
            'other'
        ) as channel_key,
        case
            when nullif(trim(topic), '') is not null then 'im-' || {{ dbt.hash('topic') }}
            else 'unknown'
        end as topic_key,
        cast(null as {{ type_varchar() }}) as municipality_code,
        nullif(trim(municipality), '') as municipality_name,
        cast(null as {{ type_varchar() }}) as organisation_inn,
        nullif(trim(department), '') as organisation_name,
        author_key as person_key,
        author_key as contact_key,
        case
            when nullif(trim(street), '') is not null and nullif(trim(house), '') is not null
                then concat_ws(', ', locality, street, house)
        end as address_text,
        'incident' as appeal_kind_code,
        current_step_code as status_code,
        'accepted' as moderation_outcome,
        finished_at is null as is_open,
        is_on_time_after_assignment as platform_on_time,
        batch_id,
        created_at,
        assigned_at,
        cast(null as {{ type_timestamptz() }}) as extension_requested_at,
        first_response_at,
        finished_at as closed_at,
        coalesce(modified_at, finished_at, first_response_at, created_at) as source_updated_at,
        nullif(trim(concat_ws(', ', municipality, locality, street)), '') as location_text,
        cast(null as {{ type_double() }}) as location_latitude,
        cast(null as {{ type_double() }}) as location_longitude,
        cast(null as {{ type_varchar() }}) as body_oktmo,
        cast(null as {{ type_varchar() }}) as body_inn,
        nullif(trim(department), '') as body_name
    from im_incidents

),

unioned as (

    select * from pos_shaped
    union all
    select * from im_shaped

),

resolved as (

    select
        unioned.*,
        coalesce(topics.topic_key, 'unknown') as resolved_topic_key,
        coalesce(topics.sector_code, 'undefined') as sector_code,
        survey_ratings.rating,
        coalesce(
            cast(municipality_by_code.oktmo as {{ type_varchar() }}),
            cast(municipality_by_name.oktmo as {{ type_varchar() }}),
            'unknown'
        ) as municipality_key,
        coalesce(organisation_by_inn.org_code, organisation_by_name.org_code, 'unknown') as organisation_key,
        nullif(
            trim({{ regex_replace_all('unioned.address_text', '[[:space:][:punct:]]+', ' ') }}), ''
        ) as address_key
    from unioned
    left join topics
        on unioned.topic_key = topics.topic_key
    left join survey_ratings
        on
            unioned.appeal_source = survey_ratings.appeal_source
            and unioned.source_appeal_id = survey_ratings.appeal_id
    left join municipalities as municipality_by_code
        on unioned.municipality_code = cast(municipality_by_code.oktmo as {{ type_varchar() }})
    left join municipalities as municipality_by_name
        on
            unioned.municipality_code is null
            and (
                unioned.municipality_name = municipality_by_name.name
                or unioned.municipality_name = municipality_by_name.short_name
            )
    left join organisations as organisation_by_inn
        on unioned.organisation_inn = cast(organisation_by_inn.inn as {{ type_varchar() }})
    left join organisations as organisation_by_name
        on
            organisation_by_inn.org_code is null
            and unioned.organisation_name = organisation_by_name.org_name

),

final as (

    select
        -- keys
        appeal_source,
        source_appeal_id,
        appeal_number,
        channel_key,
        resolved_topic_key as topic_key,
        sector_code,
        municipality_key,
        organisation_key,
        person_key,
        contact_key,
        address_key,
        batch_id,

        -- dimensions
        appeal_kind_code,
        status_code,
        moderation_outcome,
        is_open,
        platform_on_time,

        -- measures
        rating,

        -- timestamps
        created_at,
        assigned_at,
        extension_requested_at,
        first_response_at,
        closed_at,
        source_updated_at,

        -- where the appeal happened, as int_appeals__places reads it
        location_text,
        location_latitude,
        location_longitude,
        body_oktmo,
        body_inn,
        body_name

    from resolved

)

select * from final

{%- endmacro %}
