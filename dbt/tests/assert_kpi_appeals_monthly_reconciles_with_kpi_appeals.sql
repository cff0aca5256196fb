-- kpi_appeals_monthly is kpi_appeals summed over organisation, channel and topic: per month, source,
-- sector and municipality every count equals the sum of kpi_appeals' slices. Returns the rows on one
-- side only (a differing count shows on both sides).

with

summed as (

    select
        month_start,
        appeal_source,
        sector_code,
        municipality_key,
        sum(appeals_count) as appeals_count,
        sum(answered_count) as answered_count,
        sum(answered_on_time_count) as answered_on_time_count,
        sum(due_count) as due_count,
        sum(answered_on_time_work_count) as answered_on_time_work_count,
        sum(due_work_count) as due_work_count,
        sum(not_yet_due_count) as not_yet_due_count,
        sum(extended_count) as extended_count,
        sum(rated_count) as rated_count,
        sum(rated_4_5_count) as rated_4_5_count,
        sum(repeat_count) as repeat_count,
        sum(moderated_count) as moderated_count,
        sum(rejected_count) as rejected_count,
        sum(open_overdue_count) as open_overdue_count
    from {{ ref('kpi_appeals') }}
    group by
        month_start,
        appeal_source,
        sector_code,
        municipality_key

),

monthly as (

    select
        month_start,
        appeal_source,
        sector_code,
        municipality_key,
        appeals_count,
        answered_count,
        answered_on_time_count,
        due_count,
        answered_on_time_work_count,
        due_work_count,
        not_yet_due_count,
        extended_count,
        rated_count,
        rated_4_5_count,
        repeat_count,
        moderated_count,
        rejected_count,
        open_overdue_count
    from {{ ref('kpi_appeals_monthly') }}

),

only_in_kpi_appeals as (

    select * from summed
    {{ dbt.except() }}
    select * from monthly

),

only_in_monthly as (

    select * from monthly
    {{ dbt.except() }}
    select * from summed

)

select 'kpi_appeals' as side, * from only_in_kpi_appeals
union all
select 'kpi_appeals_monthly' as side, * from only_in_monthly
