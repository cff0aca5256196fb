{#-
    within_range: every non-null value of the column lies between min_value and max_value (inclusive),
    e.g. a share in 0..1 or a score in 0..100. Fails with one row per offending value.
    Usage:  data_tests: [{within_range: {arguments: {min_value: 0, max_value: 1}}}]
-#}
{% test within_range(model, column_name, min_value, max_value) %}

select
    {{ column_name }} as out_of_range_value,
    count(*) as rows_out_of_range
from {{ model }}
where
    {{ column_name }} is not null
    and ({{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }})
group by {{ column_name }}

{% endtest %}
