-- Repeat appeals (project definition, var repeat_window_days):
--   an appeal is a repeat when an EARLIER appeal of the same source has the same topic AND either
--   the same person (ПОС applicant_key / IM author_key) or the same address, and was created at most
--   repeat_window_days calendar days before it, counted on local calendar dates.
-- The edge: exactly repeat_window_days days before (e.g. 1 March and 31 March with a 30-day window)
-- IS a repeat; one day more is not. Two appeals created at the same moment: the one with the greater
-- source id is the repeat. Appeals of different sources are never compared (different identifiers,
-- address formats and topic taxonomies). Unknown topics ('unknown') and blank keys never match.
-- Both sources count: a ПОС appeal by applicant or Location.Address, an Инцидент Менеджмент incident by
-- the author's profile (author_key) or the address of the incident.
-- An earlier appeal DECLINED at moderation does not make a later one a repeat: the applicant who
-- writes again after a rejection has not been answered, and the first one is no appeal on the matter.

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
    from {{ ref('int_appeals__unioned') }}

),

same_person as (

    select distinct
        current_appeal.appeal_source,
        current_appeal.source_appeal_id
    from appeals as current_appeal
    inner join appeals as earlier
        on
            current_appeal.appeal_source = earlier.appeal_source
            and current_appeal.topic_key = earlier.topic_key
            and current_appeal.person_key = earlier.person_key
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

same_address as (

    select distinct
        current_appeal.appeal_source,
        current_appeal.source_appeal_id
    from appeals as current_appeal
    inner join appeals as earlier
        on
            current_appeal.appeal_source = earlier.appeal_source
            and current_appeal.topic_key = earlier.topic_key
            and current_appeal.address_key = earlier.address_key
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

flagged as (

    select
        appeals.appeal_source,
        appeals.source_appeal_id,
        same_person.source_appeal_id is not null as is_repeat_by_person,
        same_address.source_appeal_id is not null as is_repeat_by_address
    from appeals
    left join same_person
        on
            appeals.appeal_source = same_person.appeal_source
            and appeals.source_appeal_id = same_person.source_appeal_id
    left join same_address
        on
            appeals.appeal_source = same_address.appeal_source
            and appeals.source_appeal_id = same_address.source_appeal_id

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
