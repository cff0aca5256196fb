-- Authority rating for the Governor's assessment: a composite score 0–100 per body (ОИВ, ОМСУ, РСО)
-- and month, from its appeals (kpi_appeals, creation month) and its поручения (kpi_decision_discipline,
-- month of the current due date). The unknown organisation is not rated (its appeals stay visible in
-- kpi_appeals under «Не определено»).
--
-- Component scores, each 0–100 (null when the body has no data for it in the month):
--   score_on_time    100 × share_answered_on_time (answered_on_time_count / answered_count)
--   score_rating     100 × min(share_rated_4_5 / var rating_target_share, 1): reaching the 60 % target
--                    gives the full score
--   score_decisions  100 × share_decisions_on_time (executed on time / due поручения)
--   score_overdue    100 × (1 − open_overdue_count / appeals_count)
-- composite_score = Σ wᵢ·scoreᵢ / Σ wᵢ over the components that are not null, weights vars
-- authority_weight_on_time (0.35), authority_weight_rating (0.25), authority_weight_decisions (0.25),
-- authority_weight_overdue (0.15). A body-month where no component has data is left out.
-- rank_in_kind: rank (1 = best, ties share a rank) among the bodies of the same kind in the month.

{%- set weights = {
    'score_on_time': var('authority_weight_on_time'),
    'score_rating': var('authority_weight_rating'),
    'score_decisions': var('authority_weight_decisions'),
    'score_overdue': var('authority_weight_overdue'),
} %}

with

appeals as (

    select
        month_start,
        organisation_key,
        sum(appeals_count) as appeals_count,
        sum(answered_count) as answered_count,
        sum(answered_on_time_count) as answered_on_time_count,
        sum(rated_count) as rated_count,
        sum(rated_4_5_count) as rated_4_5_count,
        sum(open_overdue_count) as open_overdue_count
    from {{ ref('kpi_appeals') }}
    where organisation_key <> 'unknown'
    group by
        month_start,
        organisation_key

),

decisions as (

    select
        month_start,
        organisation_key,
        executed_on_time_count,
        executed_on_time_count + executed_late_count + overdue_count as decisions_due_count
    from {{ ref('kpi_decision_discipline') }}
    where organisation_key <> 'unknown'

),

organisations as (

    select * from {{ ref('dim_organisation') }}
    where is_current

),

sectors as (

    select * from {{ ref('dim_sector') }}

),

municipalities as (

    select * from {{ ref('dim_municipality') }}

),

bodies as (

    select
        month_start,
        organisation_key
    from appeals
    union
    select
        month_start,
        organisation_key
    from decisions

),

measured as (

    select
        bodies.month_start,
        bodies.organisation_key,
        coalesce(appeals.appeals_count, 0) as appeals_count,
        {{ share('appeals.answered_on_time_count', 'appeals.answered_count') }} as share_answered_on_time,
        {{ share('appeals.rated_4_5_count', 'appeals.rated_count') }} as share_rated_4_5,
        coalesce(decisions.decisions_due_count, 0) as decisions_due_count,
        {{ share('decisions.executed_on_time_count', 'decisions.decisions_due_count') }}
            as share_decisions_on_time,
        coalesce(appeals.open_overdue_count, 0) as open_overdue_count,
        {{ share('appeals.open_overdue_count', 'appeals.appeals_count') }} as share_open_overdue
    from bodies
    left join appeals
        on
            bodies.month_start = appeals.month_start
            and bodies.organisation_key = appeals.organisation_key
    left join decisions
        on
            bodies.month_start = decisions.month_start
            and bodies.organisation_key = decisions.organisation_key

),

scored as (

    select
        *,
        100 * share_answered_on_time as score_on_time,
        case
            when share_rated_4_5 is not null
                then 100 * least(share_rated_4_5 / {{ var('rating_target_share') }}, 1)
        end as score_rating,
        100 * share_decisions_on_time as score_decisions,
        100 * (1 - share_open_overdue) as score_overdue
    from measured

),

composite as (

    select
        *,
        (
            {%- for score, weight in weights.items() %}
                coalesce({{ weight }} * {{ score }}, 0){{ ' +' if not loop.last }}
            {%- endfor %}
        )
        / nullif(
            {%- for score, weight in weights.items() %}
                case when {{ score }} is not null then {{ weight }} else 0 end{{ ' +' if not loop.last }}
            {%- endfor %},
            0
        ) as composite_score
    from scored

),

final as (

    select
        -- keys
        composite.month_start,
        cast(composite.organisation_key as text) as organisation_key,
        cast(organisations.organisation_name as text) as organisation_name,
        cast(organisations.organisation_kind as text) as organisation_kind,
        cast(organisations.sector_code as text) as sector_code,
        cast(sectors.sector_name as text) as sector_name,
        cast(organisations.municipality_key as text) as municipality_key,
        cast(municipalities.municipality_name as text) as municipality_name,

        -- measures
        cast(composite.appeals_count as integer) as appeals_count,
        composite.share_answered_on_time,
        composite.share_rated_4_5,
        cast(composite.decisions_due_count as integer) as decisions_due_count,
        composite.share_decisions_on_time,
        cast(composite.open_overdue_count as integer) as open_overdue_count,
        round(cast(composite.score_on_time as numeric), 2) as score_on_time,
        round(cast(composite.score_rating as numeric), 2) as score_rating,
        round(cast(composite.score_decisions as numeric), 2) as score_decisions,
        round(cast(composite.score_overdue as numeric), 2) as score_overdue,
        round(cast(composite.composite_score as numeric), 2) as composite_score,
        cast(case
            when composite.composite_score is not null
                then rank() over (
                    partition by composite.month_start, organisations.organisation_kind
                    order by composite.composite_score desc nulls last
                )
        end as integer) as rank_in_kind

    from composite
    left join organisations
        on composite.organisation_key = organisations.organisation_key
    left join sectors
        on organisations.sector_code = sectors.sector_code
    left join municipalities
        on organisations.municipality_key = municipalities.municipality_key
    -- a body with nothing to assess in the month (no appeal, no поручение due) is not rated
    where composite.composite_score is not null

)

select * from final
