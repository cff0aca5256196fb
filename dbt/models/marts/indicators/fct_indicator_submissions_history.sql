-- Every ministry submission of an indicator value, superseded ones included (grain: batch_id +
-- sheet_name + source_row, i.e. one line of one submission sheet). is_latest_submission marks the row
-- that counts for its indicator and period (the latest submitted_at, then batch, then row);
-- fct_indicator_values keeps only those. Achievement degree and band as in int_indicators__submissions.

with

submissions as (

    select * from {{ ref('int_indicators__submissions') }}

),

final as (

    select
        -- keys
        batch_id,
        sheet_name,
        source_row,
        submission_id,
        indicator_code,
        period_type,
        period_start,
        programme_key,
        organisation_key,
        sector_code,

        -- dimensions
        ministry,
        period_label,
        comment,
        is_latest_submission,
        achievement_band,

        -- measures
        plan_value,
        fact_value,
        forecast_value,
        achievement_ratio,
        achievement_degree,

        -- timestamps
        period_end,
        submitted_at

    from submissions

)

select * from final
