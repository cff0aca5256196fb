-- Region-wide appeal KPIs per month and source, computed from fct_appeals directly so that the
-- medians are exact (a median cannot be re-aggregated from kpi_appeals). Same definitions as
-- kpi_appeals; adds the targets: on_time_target_share (var) and meets_rating_target
-- (share_rated_4_5 >= var rating_target_share; null when nothing was rated), and the quality measure
-- of the Инцидент Менеджмент SLA: share_platform_disagreement = platform_disagreement_count /
-- platform_verdict_count, the answered incidents whose platform verdict («Уложились или нет после
-- назн. ПИ») differs from the warehouse's answered_on_time (GX-checked, expectations/suites/marts.py).

with

appeals as (

    select * from {{ ref('fct_appeals') }}

),

channels as (

    select distinct
        appeal_source,
        system_name
    from {{ ref('dim_channel') }}

),

aggregated as (

    select
        {{ month_of('created_date') }} as month_start,
        appeal_source,
        count(*) as appeals_count,
        {{ count_if('first_response_at is not null') }} as answered_count,
        {{ count_if('answered_on_time') }} as answered_on_time_count,
        {{ count_if('answered_on_time is not null') }} as due_count,
        {{ count_if('is_not_yet_due') }} as not_yet_due_count,
        {{ count_if('is_deadline_extended') }} as extended_count,
        count(is_platform_verdict_disagreement) as platform_verdict_count,
        {{ count_if('is_platform_verdict_disagreement') }} as platform_disagreement_count,
        {{ median('case when first_response_at is not null then response_minutes_calendar end') }} / 60.0
            as first_response_hours_median,
        {{ median('case when first_response_at is not null then response_minutes_working end') }} / 60.0
            as first_response_work_hours_median,
        count(rating) as rated_count,
        {{ count_if('rating >= 4') }} as rated_4_5_count,
        {{ count_if('is_repeat') }} as repeat_count,
        {{ count_if("moderation_outcome = 'declined'") }} as rejected_count,
        {{ count_if("moderation_outcome in ('accepted', 'declined')") }} as moderated_count,
        {{ count_if('is_overdue_open') }} as open_overdue_count
    from appeals
    group by
        {{ month_of('created_date') }},
        appeal_source

),

shares as (

    select
        *,
        {{ share('answered_on_time_count', 'due_count') }} as share_answered_on_time,
        {{ share('platform_disagreement_count', 'platform_verdict_count') }} as share_platform_disagreement,
        {{ share('rated_4_5_count', 'rated_count') }} as share_rated_4_5,
        {{ share('repeat_count', 'appeals_count') }} as share_repeat,
        {{ share('rejected_count', 'moderated_count') }} as share_rejected
    from aggregated

),

final as (

    select
        -- keys
        shares.month_start,
        cast(shares.appeal_source as {{ type_text() }}) as appeal_source,
        cast(channels.system_name as {{ type_text() }}) as appeal_source_name,

        -- measures
        cast(shares.appeals_count as integer) as appeals_count,
        cast(shares.answered_count as integer) as answered_count,
        cast(shares.answered_on_time_count as integer) as answered_on_time_count,
        shares.share_answered_on_time,
        cast({{ var('on_time_target_share') }} as {{ type_numeric() }}) as on_time_target_share,
        round(cast(shares.first_response_hours_median as {{ type_numeric() }}), 4) as first_response_hours_median,
        round(
            cast(shares.first_response_work_hours_median as {{ type_numeric() }}), 4
        ) as first_response_work_hours_median,
        cast(shares.rated_count as integer) as rated_count,
        cast(shares.rated_4_5_count as integer) as rated_4_5_count,
        shares.share_rated_4_5,
        cast({{ var('rating_target_share') }} as {{ type_numeric() }}) as rating_target_share,
        shares.share_rated_4_5 >= {{ var('rating_target_share') }} as meets_rating_target,
        cast(shares.repeat_count as integer) as repeat_count,
        shares.share_repeat,
        cast(shares.rejected_count as integer) as rejected_count,
        cast(shares.moderated_count as integer) as moderated_count,
        shares.share_rejected,
        cast(shares.open_overdue_count as integer) as open_overdue_count,
        cast(shares.due_count as integer) as due_count,
        cast(shares.not_yet_due_count as integer) as not_yet_due_count,
        cast(shares.extended_count as integer) as extended_count,
        cast(shares.platform_verdict_count as integer) as platform_verdict_count,
        cast(shares.platform_disagreement_count as integer) as platform_disagreement_count,
        shares.share_platform_disagreement

    from shares
    left join channels
        on shares.appeal_source = channels.appeal_source

)

select * from final
