-- Authority rating for the Governor's assessment: a composite score 0–100 per body (ОИВ, ОМСУ, РСО)
-- and month, from its appeals (kpi_appeals, creation month) and its поручения (kpi_decision_discipline,
-- month of the current due date). The unknown organisation is not rated (its appeals stay visible in
-- kpi_appeals under «Не определено»).
--
-- Component scores, each 0–100 (null when the body has no data for it in the month):
--   score_on_time    100 × share_answered_on_time (answered_on_time_count / due_count: an appeal
--                    still open past its deadline is late, as in kpi_appeals)
--   score_rating     100 × min(share_rated_4_5 / var rating_target_share, 1): reaching the 60 % target
--                    gives the full score
--   score_decisions  100 × share_decisions_on_time (executed on time / due поручения)
--   score_overdue    100 × (1 − open_overdue_count / appeals_count)
-- composite_score = Σ wᵢ·scoreᵢ / Σ wᵢ over the components that are not null, weights vars
-- authority_weight_on_time (0.35), authority_weight_rating (0.25), authority_weight_decisions (0.25),
-- authority_weight_overdue (0.15). A body-month where no component has data is left out.
-- Ranking (documented in dbt/README.md, "Authority rating"):
--   assessed_volume  appeals_count + decisions_due_count: what the body was judged on in the month
--   is_ranked        assessed_volume >= var authority_min_volume: below it one case moves the score too
--                    far for a fair place; the body keeps its scores but gets no rank
--   rank_in_kind     rank (1 = best, ties share a rank) among the ranked bodies of the same kind in
--                    the month; rank_in_kind_from_bottom the same from the weakest (1 = weakest)
--   is_latest_month  the latest month in which any body is ranked (a later month holding only
--                    поручения due in the future has nothing to rank); latest_rank_in_kind and
--                    latest_rank_in_kind_from_bottom
--                    repeat the body's ranks in that month on all its rows: the rank shown is the
--                    latest period's, never the best rank over a period
-- Every share sits next to its numerator and denominator (answered_on_time_count / due_count,
-- rated_4_5_count / rated_count, decisions_on_time_count / decisions_due_count, open_overdue_count /
-- appeals_count), so a slice over several months computes the weighted share sum / sum.

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
        sum(due_count) as due_count,
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
        coalesce(appeals.answered_count, 0) as answered_count,
        coalesce(appeals.due_count, 0) as due_count,
        coalesce(appeals.answered_on_time_count, 0) as answered_on_time_count,
        coalesce(appeals.rated_count, 0) as rated_count,
        coalesce(appeals.rated_4_5_count, 0) as rated_4_5_count,
        coalesce(decisions.executed_on_time_count, 0) as decisions_on_time_count,
        {{ share('appeals.answered_on_time_count', 'appeals.due_count') }} as share_answered_on_time,
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
        ) as composite_score,
        appeals_count + decisions_due_count as assessed_volume,
        appeals_count + decisions_due_count >= {{ var('authority_min_volume') }} as is_ranked
    from scored

),

ranked as (

    select
        composite.*,
        organisations.organisation_kind,
        case
            when composite.is_ranked and composite.composite_score is not null
                then rank() over (
                    partition by composite.month_start, organisations.organisation_kind, composite.is_ranked
                    order by composite.composite_score desc
                )
        end as rank_in_kind,
        case
            when composite.is_ranked and composite.composite_score is not null
                then rank() over (
                    partition by composite.month_start, organisations.organisation_kind, composite.is_ranked
                    order by composite.composite_score asc
                )
        end as rank_in_kind_from_bottom,
        coalesce(
            composite.month_start = max(
                case when composite.is_ranked and composite.composite_score is not null then composite.month_start end
            ) over (),
            false
        ) as is_latest_month
    from composite
    left join organisations
        on composite.organisation_key = organisations.organisation_key
    where composite.composite_score is not null

),

latest_ranks as (

    select
        organisation_key,
        rank_in_kind as latest_rank_in_kind,
        rank_in_kind_from_bottom as latest_rank_in_kind_from_bottom
    from ranked
    where is_latest_month

),

final as (

    select
        -- keys
        ranked.month_start,
        cast(ranked.organisation_key as {{ type_text() }}) as organisation_key,
        cast(organisations.organisation_name as {{ type_text() }}) as organisation_name,
        cast(ranked.organisation_kind as {{ type_text() }}) as organisation_kind,
        cast(organisations.sector_code as {{ type_text() }}) as sector_code,
        cast(sectors.sector_name as {{ type_text() }}) as sector_name,
        cast(organisations.municipality_key as {{ type_text() }}) as municipality_key,
        cast(municipalities.municipality_name as {{ type_text() }}) as municipality_name,

        -- measures
        cast(ranked.appeals_count as integer) as appeals_count,
        ranked.share_answered_on_time,
        ranked.share_rated_4_5,
        cast(ranked.decisions_due_count as integer) as decisions_due_count,
        ranked.share_decisions_on_time,
        cast(ranked.open_overdue_count as integer) as open_overdue_count,
        round(cast(ranked.score_on_time as {{ type_numeric() }}), 2) as score_on_time,
        round(cast(ranked.score_rating as {{ type_numeric() }}), 2) as score_rating,
        round(cast(ranked.score_decisions as {{ type_numeric() }}), 2) as score_decisions,
        round(cast(ranked.score_overdue as {{ type_numeric() }}), 2) as score_overdue,
        round(cast(ranked.composite_score as {{ type_numeric() }}), 2) as composite_score,
        cast(ranked.rank_in_kind as integer) as rank_in_kind,
        cast(ranked.answered_count as integer) as answered_count,
        cast(ranked.due_count as integer) as due_count,
        cast(ranked.answered_on_time_count as integer) as answered_on_time_count,
        cast(ranked.rated_count as integer) as rated_count,
        cast(ranked.rated_4_5_count as integer) as rated_4_5_count,
        cast(ranked.decisions_on_time_count as integer) as decisions_on_time_count,
        cast(ranked.assessed_volume as integer) as assessed_volume,
        ranked.is_ranked,
        cast(ranked.rank_in_kind_from_bottom as integer) as rank_in_kind_from_bottom,
        ranked.is_latest_month,
        cast(latest_ranks.latest_rank_in_kind as integer) as latest_rank_in_kind,
        cast(latest_ranks.latest_rank_in_kind_from_bottom as integer) as latest_rank_in_kind_from_bottom

    -- a body with nothing to assess in the month (no appeal, no поручение due) is not rated
    from ranked
    left join organisations
        on ranked.organisation_key = organisations.organisation_key
    left join sectors
        on organisations.sector_code = sectors.sector_code
    left join municipalities
        on organisations.municipality_key = municipalities.municipality_key
    left join latest_ranks
        on ranked.organisation_key = latest_ranks.organisation_key

)

select * from final
