-- Results of sociological polls: per poll, question and option chosen, the weighted share of the
-- respondents who answered the question, with its 95 % margin of error.
--
-- Definitions (documented in dbt/README.md, "Poll results"):
--   base_weight         Σw over the respondents who answered the question
--   option_weight       Σw over those who chose the option
--   share               option_weight / base_weight
--   effective_base      Kish's effective sample size of the question: (Σw)² / Σw²; equals the
--                       number of respondents when all weights are equal, less when they vary
--   margin_of_error     var poll_confidence_z (1.96: 95 %) × sqrt(share × (1 − share) / effective_base)
--   share_low/high      share ∓ margin_of_error, clipped to 0..1
--   is_reliable         effective_base >= var poll_min_effective_base: below it the share is shown
--                       but flagged (too few respondents for a margin of error worth reading)
-- An option nobody chose has no row (the file holds answers, not the questionnaire).

with

answers as (

    select * from {{ ref('fct_poll_answers') }}

),

questions as (

    select
        poll_code,
        question_code,
        count(*) as respondents_count,
        sum(weight) as base_weight,
        sum(weight * weight) as base_weight_squares
    from answers
    group by poll_code, question_code

),

options as (

    select
        poll_code,
        question_code,
        option_code,
        max(poll_title) as poll_title,
        max(poll_mode) as poll_mode,
        min(fieldwork_start) as fieldwork_start,
        max(fieldwork_end) as fieldwork_end,
        max(question_text) as question_text,
        max(option_text) as option_text,
        count(*) as option_respondents_count,
        sum(weight) as option_weight
    from answers
    group by poll_code, question_code, option_code

),

measured as (

    select
        options.*,
        questions.respondents_count,
        questions.base_weight,
        questions.base_weight * questions.base_weight / questions.base_weight_squares as effective_base,
        options.option_weight / questions.base_weight as share
    from options
    inner join questions
        on
            options.poll_code = questions.poll_code
            and options.question_code = questions.question_code

),

with_error as (

    select
        *,
        {{ var('poll_confidence_z') }} * sqrt(share * (1 - share) / effective_base) as margin_of_error
    from measured

),

final as (

    select
        -- keys
        cast(poll_code as {{ type_text() }}) as poll_code,
        cast(question_code as {{ type_text() }}) as question_code,
        cast(option_code as {{ type_text() }}) as option_code,

        -- dimensions
        cast(poll_title as {{ type_text() }}) as poll_title,
        cast(poll_mode as {{ type_text() }}) as poll_mode,
        cast(question_text as {{ type_text() }}) as question_text,
        cast(option_text as {{ type_text() }}) as option_text,

        -- dates
        cast(fieldwork_start as date) as fieldwork_start,
        cast(fieldwork_end as date) as fieldwork_end,

        -- measures
        cast(respondents_count as integer) as respondents_count,
        cast(option_respondents_count as integer) as option_respondents_count,
        round(cast(base_weight as {{ type_numeric() }}), 4) as base_weight,
        round(cast(option_weight as {{ type_numeric() }}), 4) as option_weight,
        round(cast(effective_base as {{ type_numeric() }}), 2) as effective_base,
        round(cast(share as {{ type_numeric() }}), 4) as share,
        round(cast(margin_of_error as {{ type_numeric() }}), 4) as margin_of_error,
        round(cast(greatest(share - margin_of_error, 0) as {{ type_numeric() }}), 4) as share_low,
        round(cast(least(share + margin_of_error, 1) as {{ type_numeric() }}), 4) as share_high,
        cast(effective_base >= {{ var('poll_min_effective_base') }} as boolean) as is_reliable

    from with_error

)

select * from final
