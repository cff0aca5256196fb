{#-
    The periods an incremental appeal mart recomputes in a daily run (issue 14, README "Scaling
    notes"). A mart keyed by month or week recomputes every period whose rows may have changed since
    its last build, and delete+insert replaces those periods whole.

    appeal_changed_dates(): the local creation dates of the appeals the latest int_appeals__unioned
    run computed (rows of the greatest merged_at: new appeals, later exports of known ones, re-rated
    ones), before that run (previous_created_at: an export that moved the creation date touches the
    old period too) and after it. Reading the latest run, not "this dbt invocation", makes a mart
    rebuilt on its own recompute the same periods again (idempotent).
-#}
{% macro appeal_changed_dates() -%}
    select cast({{ to_source_local('created_at') }} as date) as created_date
    from {{ ref('int_appeals__unioned') }}
    where merged_at = (select max(latest.merged_at) from {{ ref('int_appeals__unioned') }} as latest)
    union
    select cast({{ to_source_local('previous_created_at') }} as date) as created_date
    from {{ ref('int_appeals__unioned') }}
    where
        merged_at = (select max(latest.merged_at) from {{ ref('int_appeals__unioned') }} as latest)
        and previous_created_at is not null
{%- endmacro %}

{#-
    appeal_fact_months_to_recompute(): the months (month_of the local creation date) whose rows of
    fct_appeals may have changed in the latest run, i.e. every fct_appeals row the incremental
    fct_appeals can have rewritten:
      - the changed appeals (appeal_changed_dates, old and new dates);
      - their repeat partners: fct_appeals recomputes appeals created from a day before to
        repeat_window_days + 2 days after a changed one (its is_repeat may change), so every month
        that range touches;
      - every open appeal: is_overdue_open, is_not_yet_due and the on-time flags of open appeals move
        with the as-of time (the newest export), whether or not the appeal changed.
-#}
{% macro appeal_fact_months_to_recompute() -%}
    select distinct {{ month_of('calendar.date_day') }} as month_start
    from ({{ appeal_changed_dates() }}) as changed
    inner join {{ ref('int_calendar__days') }} as calendar
        on
            calendar.date_day >= {{ dbt.dateadd('day', -1, 'changed.created_date') }}
            and calendar.date_day <= {{ dbt.dateadd('day', var('repeat_window_days') + 2, 'changed.created_date') }}
    union
    select distinct {{ month_of('created_date') }} as month_start
    from {{ ref('fct_appeals') }}
    where is_open
{%- endmacro %}
