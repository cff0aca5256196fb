-- Sociological poll answers, one row per respondent per question: the latest load of each.
--
-- A poll file may be sent again with corrections (a new batch); the answer that counts is the one of
-- the latest batch, then the last row of the file. Respondents are anonymous: nothing to pseudonymise.

with

answers as (

    select * from {{ source('surveys', 'poll_answers') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by poll_code, respondent_id, question_code
            order by batch_id desc, source_row desc
        ) as answer_rank
    from answers

),

final as (

    select
        -- keys
        trim(poll_code) as poll_code,
        trim(respondent_id) as respondent_id,
        trim(question_code) as question_code,
        trim(option_code) as option_code,
        batch_id,
        source_row,

        -- dimensions
        nullif(trim(poll_title), '') as poll_title,
        nullif(trim(poll_mode), '') as poll_mode,
        fieldwork_start,
        fieldwork_end,
        trim(municipality_oktmo) as municipality_oktmo,
        sex,
        age_group,
        nullif(trim(question_text), '') as question_text,
        nullif(trim(option_text), '') as option_text,

        -- measures
        cast(weight as {{ type_numeric() }}) as weight

    from ranked
    where answer_rank = 1

)

select * from final
