-- Sociological poll answers, one row per respondent per question answered, with the respondent's
-- municipality as a dimension key ('unknown' when the ОКТМО is no municipality of the region), sex,
-- age group and weight. Anonymous: no personal data.

with

answers as (

    select * from {{ ref('stg_surveys__poll_answers') }}

),

municipalities as (

    select * from {{ ref('dim_municipality') }}
    where not is_unknown

),

final as (

    select
        -- keys
        cast(answers.poll_code as {{ type_text() }}) as poll_code,
        cast(answers.respondent_id as {{ type_text() }}) as respondent_id,
        cast(answers.question_code as {{ type_text() }}) as question_code,
        cast(answers.option_code as {{ type_text() }}) as option_code,
        cast(coalesce(municipalities.municipality_key, 'unknown') as {{ type_text() }}) as municipality_key,
        cast(answers.batch_id as bigint) as batch_id,

        -- dimensions
        cast(answers.poll_title as {{ type_text() }}) as poll_title,
        cast(answers.poll_mode as {{ type_text() }}) as poll_mode,
        cast(answers.question_text as {{ type_text() }}) as question_text,
        cast(answers.option_text as {{ type_text() }}) as option_text,
        cast(answers.sex as {{ type_text() }}) as sex,
        cast(answers.age_group as {{ type_text() }}) as age_group,

        -- measures
        cast(answers.weight as {{ type_numeric() }}) as weight,

        -- dates
        cast(answers.fieldwork_start as date) as fieldwork_start,
        cast(answers.fieldwork_end as date) as fieldwork_end

    from answers
    left join municipalities
        on answers.municipality_oktmo = municipalities.oktmo

)

select * from final
