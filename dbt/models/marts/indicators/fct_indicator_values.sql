-- Indicator values that count: one row per indicator × period type × period start, from the latest
-- submission (a later submission for the same indicator and period supersedes the earlier one; the
-- superseded ones are in fct_indicator_submissions_history). Achievement degree: increasing fact /
-- plan, decreasing plan / fact, capped at var achievement_cap; band high / medium / low from vars
-- achievement_band_high / achievement_band_medium; null when plan or fact is missing or zero.

with

submissions as (

    select * from {{ ref('int_indicators__submissions') }}

),

superseded as (

    select
        indicator_code,
        period_type,
        period_start,
        count(*) - 1 as superseded_submissions
    from submissions
    group by indicator_code, period_type, period_start

),

final as (

    select
        -- keys
        submissions.indicator_code,
        submissions.period_type,
        submissions.period_start,
        submissions.submission_id,
        submissions.programme_key,
        submissions.organisation_key,
        submissions.sector_code,
        submissions.batch_id,

        -- dimensions
        submissions.ministry,
        submissions.direction,
        submissions.period_label,
        submissions.comment,
        submissions.achievement_band,

        -- measures
        submissions.plan_value,
        submissions.fact_value,
        submissions.forecast_value,
        submissions.achievement_ratio,
        submissions.achievement_degree,
        cast(superseded.superseded_submissions as integer) as superseded_submissions,

        -- timestamps
        submissions.period_end,
        submissions.submitted_at

    from submissions
    inner join superseded
        on
            submissions.indicator_code = superseded.indicator_code
            and submissions.period_type = superseded.period_type
            and submissions.period_start = superseded.period_start
    where submissions.is_latest_submission

)

select * from final
