-- One row per written appeal (59-ФЗ) registered in the EDMS, with its sector, topic, body and
-- municipality, its terms and its result.
--
-- Rules (the model's YAML says the same):
--   topic / sector  the classifier code's longest matching prefix in ref_written_rubrics (theme, then
--                   subject, then section); a code that is blank, not of the form NNNN[.NNNN]{0,3} or
--                   of an unknown section matches nothing: sector 'undefined', rubric_match 'unmapped'
--   answer term     registered_on + appeal_59fz_answer_days (30) calendar days, + appeal_59fz_extension_days
--                   (30) once when the extension (PROLONG_DATE) was decided within the original term
--   forwarding term registered_on + appeal_59fz_forward_days (7) calendar days
--   open            neither answered nor forwarded (a forwarded appeal is answered by the competent
--                   body, outside this EDMS)
--   as_of_date      the source's as-of date: the latest date any card carries
--   overdue open    open and as_of_date past the answer term
--   organisation    EXECUTOR by name in ref_organisations, else 'unknown'
--   municipality    int_channels__places
--   person_key      the correspondent's pseudonymised phone, else e-mail (kpi_appeals_all_channels)
--   address_key     ADDRESS with runs of blanks and punctuation collapsed (as int_appeals__unioned)
--
-- Reads the staged cards from int_written__appeals (a table merged by batch) rather than the staging
-- view, which pseudonymises every card it returns: the fact is rebuilt whole every day (the as-of date
-- moves every open card's flags) from plain columns.
--
-- Planned with hash joins (macros/planner.sql): the rubric match's `match_rank = 1` is estimated at a
-- row, and the planner joined it by a nested loop over every appeal (quadratic: 41 s of a 200,000-appeal
-- build for 38,000 written appeals, about 1 s with hash joins).
{{ config(pre_hook="{{ prefer_hash_joins() }}") }}

with

appeals as (

    select * from {{ ref('int_written__appeals') }}

),

rubrics as (

    select * from {{ ref('ref_written_rubrics') }}

),

places as (

    select * from {{ ref('int_channels__places') }}
    where channel_source = 'written'

),

organisations as (

    select * from {{ ref('ref_organisations') }}

),

rubric_matches as (

    select
        appeals.appeal_id,
        rubrics.code_prefix,
        rubrics.rubric_level,
        rubrics.section_code,
        rubrics.rubric_name,
        rubrics.sector_code,
        row_number() over (
            partition by appeals.appeal_id
            order by length(rubrics.code_prefix) desc
        ) as match_rank
    from appeals
    inner join rubrics
        on
            (
                appeals.rubric_code = rubrics.code_prefix
                or appeals.rubric_code like rubrics.code_prefix || '.%'
            )
            and {{ regex_matches('appeals.rubric_code', '^[0-9]{4}([.][0-9]{4}){0,3}$') }}

),

sections as (

    select * from rubrics
    where rubric_level = 'section'

),

termed as (

    select
        appeals.*,
        cast(appeals.registered_on + {{ var('appeal_59fz_answer_days') }} as date) as due_on,
        coalesce(
            appeals.extended_on <= appeals.registered_on + {{ var('appeal_59fz_answer_days') }}, false
        ) as is_extended,
        cast(appeals.registered_on + {{ var('appeal_59fz_forward_days') }} as date) as forward_due_on,
        max(greatest(appeals.registered_on, appeals.extended_on, appeals.forwarded_on, appeals.answered_on))
            over () as as_of_date
    from appeals

),

dated as (

    select
        *,
        cast(
            due_on + case when is_extended then {{ var('appeal_59fz_extension_days') }} else 0 end as date
        ) as effective_due_on
    from termed

),

final as (

    select
        -- keys
        cast(termed.appeal_id as bigint) as appeal_id,
        cast(termed.registration_number as {{ type_text() }}) as registration_number,
        cast(coalesce(rubric_matches.sector_code, 'undefined') as {{ type_text() }}) as sector_code,
        cast(coalesce(rubric_matches.section_code, 'unmapped') as {{ type_text() }}) as topic_section_code,
        cast(coalesce(sections.rubric_name, 'Не определено') as {{ type_text() }}) as topic_section_name,
        cast(places.municipality_key as {{ type_text() }}) as municipality_key,
        cast(coalesce(organisations.org_code, 'unknown') as {{ type_text() }}) as organisation_key,
        cast(coalesce(termed.citizen_phone_key, termed.citizen_email_key) as {{ type_text() }}) as person_key,
        cast(nullif(
            trim({{ regex_replace_all('termed.problem_address', '[[:space:][:punct:]]+', ' ') }}), ''
        ) as {{ type_text() }}) as address_key,
        cast(termed.batch_id as bigint) as batch_id,

        -- dimensions
        cast(termed.rubric_code as {{ type_text() }}) as rubric_code,
        cast(coalesce(rubric_matches.rubric_level, 'unmapped') as {{ type_text() }}) as rubric_match,
        cast(rubric_matches.rubric_name as {{ type_text() }}) as rubric_name,
        cast(coalesce(termed.delivery_code, 'other') as {{ type_text() }}) as delivery_code,
        cast(termed.result_code as {{ type_text() }}) as result_code,
        cast(termed.executor_name as {{ type_text() }}) as executor_name,
        cast(termed.forwarded_to_name as {{ type_text() }}) as forwarded_to_name,
        termed.is_extended,
        termed.forwarded_on is not null as is_forwarded,
        case
            when termed.forwarded_on is not null then termed.forwarded_on <= termed.forward_due_on
        end as forwarded_on_time,
        termed.answered_on is not null as is_answered,
        case
            when termed.answered_on is not null then termed.answered_on <= termed.effective_due_on
        end as answered_on_time,
        termed.answered_on is null and termed.forwarded_on is null as is_open,
        (
            termed.answered_on is null
            and termed.forwarded_on is null
            and termed.as_of_date > termed.effective_due_on
        ) as is_overdue_open,

        -- measures
        cast({{ days_between('termed.registered_on', 'termed.answered_on') }} as integer) as days_to_answer,

        -- dates
        termed.registered_on,
        termed.due_on,
        termed.effective_due_on,
        termed.extended_on,
        termed.forward_due_on,
        termed.forwarded_on,
        termed.answered_on,
        termed.as_of_date

    from dated as termed
    left join rubric_matches
        on termed.appeal_id = rubric_matches.appeal_id and rubric_matches.match_rank = 1
    left join sections
        on rubric_matches.section_code = sections.section_code
    left join places
        on termed.appeal_id = places.item_id
    left join organisations
        on termed.executor_name = organisations.org_name

)

select * from final
