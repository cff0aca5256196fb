{#-
    within_range: every non-null value of the column lies between min_value and max_value (inclusive),
    e.g. a share in 0..1 or a score in 0..100; without max_value, only the lower bound (counts, days).
    Fails with one row per offending value.
    Usage:  data_tests: [{within_range: {arguments: {min_value: 0, max_value: 1}}}]
-#}
{% test within_range(model, column_name, min_value, max_value=none) %}

select
    {{ column_name }} as out_of_range_value,
    count(*) as rows_out_of_range
from {{ model }}
where
    {{ column_name }} is not null
    and (
        {{ column_name }} < {{ min_value }}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
group by {{ column_name }}

{% endtest %}
