{#-
    row_count_matches_span: a calendar model has exactly one row per day from start_date to end_date
    (inclusive). Fails with the expected and actual counts when a day is missing or doubled.
-#}
{% test row_count_matches_span(model, start_date, end_date) %}

with

counted as (

    select count(*) as actual_days
    from {{ model }}

),

expected as (

    select
        {{ dbt.datediff("cast('" ~ start_date ~ "' as date)", "cast('" ~ end_date ~ "' as date)", 'day') }} + 1
            as expected_days

)

select
    expected.expected_days,
    counted.actual_days
from counted
cross join expected
where counted.actual_days <> expected.expected_days

{% endtest %}
