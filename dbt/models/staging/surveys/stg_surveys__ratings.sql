-- Response-survey ratings, one row per rated appeal: the latest rating by rating time.
--
-- An applicant may rate an appeal again (a new answer, a changed mind), and a later survey file may
-- repeat a rating already loaded. The rating that counts is the one with the latest «Дата оценки»;
-- between equal rating times, the later batch, then the last row of the file.

with

ratings as (

    select * from {{ source('surveys', 'survey_ratings') }}

),

coded as (

    select
        *,
        {{ map_values('appeal_system', {'ПОС': 'pos', 'Инцидент Менеджмент': 'im'}) }} as appeal_source
    from ratings

),

ranked as (

    select
        *,
        count(*) over (partition by appeal_source, appeal_id) as rating_rows_count,
        row_number() over (
            partition by appeal_source, appeal_id
            order by rated_at desc, batch_id desc, source_row desc
        ) as rating_rank
    from coded
    where appeal_source is not null

),

final as (

    select
        -- keys
        appeal_source,
        appeal_id,
        nullif(trim(appeal_number), '') as appeal_number,
        batch_id,
        source_row,

        -- dimensions
        {{ redact_free_text('rating_comment') }} as rating_comment,

        -- measures
        rating,
        rating_rows_count,

        -- timestamps
        rated_at

    from ranked
    where rating_rank = 1

)

select * from final
