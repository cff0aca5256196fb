-- The authority rating's composite score is the documented weighted mean of its non-null component
-- scores (weights: vars authority_weight_*), recomputed here from the stored component scores; and
-- rank 1 of each kind and month holds the best score among the ranked bodies (is_ranked). Returns
-- the rows that break either rule (allowing 0.01 for the rounding of the stored scores).

{%- set weights = {
    'score_on_time': var('authority_weight_on_time'),
    'score_rating': var('authority_weight_rating'),
    'score_decisions': var('authority_weight_decisions'),
    'score_overdue': var('authority_weight_overdue'),
} %}

with

rating as (

    select * from {{ ref('kpi_authority_rating') }}

),

recomputed as (

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
        ) as expected_score,
        max(case when is_ranked then composite_score end) over (
            partition by month_start, organisation_kind
        ) as best_score
    from rating

)

select
    month_start,
    organisation_key,
    composite_score,
    expected_score,
    rank_in_kind,
    best_score
from recomputed
where
    abs(coalesce(composite_score, -1) - coalesce(expected_score, -1)) > 0.01
    or (rank_in_kind = 1 and composite_score <> best_score)
