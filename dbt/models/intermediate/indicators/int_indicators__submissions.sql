-- Ministry indicator submissions, every one kept (history of resubmissions), with the programme, the
-- submitting organisation and its sector resolved and the achievement degree computed.
--
-- Achievement degree (regional state-programme evaluation methods, vars in dbt_project.yml):
--   increase (more is better)  fact / plan (plan above 0); a fact of 0 is degree 0
--   decrease (less is better)  plan / fact (fact above 0); a fact of 0 is fully achieved (the cap): the
--                              bad thing did not happen at all; a plan of 0 with a fact above 0 is 0
--   capped at var achievement_cap (1.0): overfulfilment does not count above 100 %
--   null only when plan or fact is missing, when either is negative, for an increasing indicator with
--   a plan of 0 (no target to reach), or when the direction is unknown
-- Band: high when the degree >= var achievement_band_high (1.0), medium when >=
-- achievement_band_medium (0.90), low below; null when the degree is null.
-- Sector: the submitting ministry matched by name to ref_organisations, its sector; 'undefined' when
-- the ministry is not in the reference or has no sector.

with

submissions as (

    select * from {{ ref('stg_indicators__submissions') }}

),

organisations as (

    select * from {{ ref('ref_organisations') }}

),

resolved as (

    select
        submissions.*,
        case
            when nullif(trim(submissions.state_programme), '') is not null
                then {{ dbt.hash('trim(submissions.state_programme)') }}
            else 'unknown'
        end as programme_key,
        coalesce(organisations.org_code, 'unknown') as organisation_key,
        coalesce(nullif(trim(organisations.sector_code), ''), 'undefined') as sector_code
    from submissions
    left join organisations
        on trim(submissions.ministry) = organisations.org_name

),

ratios as (

    select
        *,
        case
            when plan_value is null or fact_value is null then null
            when plan_value < 0 or fact_value < 0 then null
            when direction = 'increase' and plan_value > 0 then fact_value / plan_value
            when direction = 'decrease' and fact_value = 0 then {{ var('achievement_cap') }}
            when direction = 'decrease' then plan_value / fact_value
        end as achievement_ratio
    from resolved

),

graded as (

    select
        *,
        round(cast(achievement_ratio as {{ type_numeric() }}), 6) as achievement_ratio_rounded,
        -- least() skips nulls in most databases: an unknown ratio must stay unknown, not become the cap
        case
            when achievement_ratio is not null
                then round(cast(least(achievement_ratio, {{ var('achievement_cap') }}) as {{ type_numeric() }}), 6)
        end as achievement_degree
    from ratios

),

final as (

    select
        -- keys
        indicator_code,
        period_type,
        period_start,
        submission_id,
        programme_key,
        organisation_key,
        sector_code,
        batch_id,
        sheet_name,
        source_row,

        -- dimensions
        ministry,
        indicator_name,
        state_programme,
        national_project,
        regional_project,
        okei_code,
        okei_name,
        direction,
        period_label,
        comment,
        is_latest_submission,
        case
            when achievement_degree is null then null
            when achievement_degree >= {{ var('achievement_band_high') }} then 'high'
            when achievement_degree >= {{ var('achievement_band_medium') }} then 'medium'
            else 'low'
        end as achievement_band,

        -- measures
        plan_value,
        fact_value,
        forecast_value,
        achievement_ratio_rounded as achievement_ratio,
        achievement_degree,

        -- timestamps
        period_end,
        submitted_at

    from graded

)

select * from final
