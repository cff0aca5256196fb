{#-
    unique_combination: no two rows share the same values of `columns` (a compound key).
    Usage (model level):  data_tests: [{unique_combination: {arguments: {columns: [a, b]}}}]
-#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as duplicate_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
