-- Conflict signals: weeks in which a sector × municipality received unusually many appeals against its
-- own recent past (the regulations' "finding conflict situations"). Input: the dense weekly counts of
-- int_appeals__weekly_counts (0 for a quiet week).
--
-- Definitions (vars, project definition):
--   baseline          the previous conflict_baseline_weeks (8) weeks of the same sector × municipality,
--                     the current week excluded; null until that many weeks of history exist
--   baseline_mean     mean of the baseline counts
--   baseline_stddev   sample standard deviation of the baseline counts
--   z_score           (appeals_count − baseline_mean) / max(baseline_stddev, conflict_stddev_floor):
--                     the floor (1 appeal) keeps a perfectly flat baseline from making any change
--                     infinitely unusual
--   is_spike          z_score strictly above conflict_spike_z (3) AND appeals_count >=
--                     conflict_min_appeals (5); a z exactly at the threshold is not a spike

{%- set baseline_weeks = var('conflict_baseline_weeks') | int %}

with

weekly as (

    select * from {{ ref('int_appeals__weekly_counts') }}

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

municipalities as (

    select * from {{ ref('dim_municipality') }}

),

baselined as (

    select
        *,
        count(*) over baseline_window as baseline_weeks,
        avg(cast(appeals_count as {{ type_numeric() }})) over baseline_window as baseline_mean,
        stddev_samp(cast(appeals_count as {{ type_numeric() }})) over baseline_window as baseline_stddev
    from weekly
    window baseline_window as (
        partition by sector_code, municipality_key
        order by week_start
        rows between {{ baseline_weeks }} preceding and 1 preceding
    )

),

scored as (

    select
        week_start,
        sector_code,
        municipality_key,
        appeals_count,
        case when baseline_weeks = {{ baseline_weeks }} then baseline_mean end as baseline_mean,
        case when baseline_weeks = {{ baseline_weeks }} then baseline_stddev end as baseline_stddev,
        case
            when baseline_weeks = {{ baseline_weeks }}
                then
                    (appeals_count - baseline_mean)
                    / greatest(coalesce(baseline_stddev, 0), {{ var('conflict_stddev_floor') }})
        end as z_score
    from baselined

),

final as (

    select
        -- keys
        scored.week_start,
        cast(scored.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(scored.municipality_key as {{ type_text() }}) as municipality_key,
        cast(municipalities.municipality_name as {{ type_text() }}) as municipality_name,

        -- measures
        cast(scored.appeals_count as integer) as appeals_count,
        round(cast(scored.baseline_mean as {{ type_numeric() }}), 4) as baseline_mean,
        round(cast(scored.baseline_stddev as {{ type_numeric() }}), 4) as baseline_stddev,
        round(cast(scored.z_score as {{ type_numeric() }}), 4) as z_score,
        coalesce(
            scored.z_score > {{ var('conflict_spike_z') }}
            and scored.appeals_count >= {{ var('conflict_min_appeals') }},
            false
        ) as is_spike

    from scored
    left join sectors
        on scored.sector_code = sectors.sector_code
    left join municipalities
        on scored.municipality_key = municipalities.municipality_key

)

select * from final
