-- Response-survey ratings, one row per rated appeal: the latest rating by rating time.
--
-- An applicant may rate an appeal again (a new answer, a changed mind), and a later survey file may
-- repeat a rating already loaded. The rating that counts is the one with the latest «Дата оценки»;
-- between equal rating times, the later batch, then the last row of the file.
-- The rules are the macro stg_surveys_ratings (macros/staging_appeals.sql), shared with the incremental
-- int_appeals__unioned, which applies them to the raw rows of changed appeals only.

{{ stg_surveys_ratings(source('surveys', 'survey_ratings')) }}
