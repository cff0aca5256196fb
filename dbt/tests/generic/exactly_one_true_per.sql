{#-
    exactly_one_true_per: within each group of `group_by` columns, exactly one row has the boolean
    column true (e.g. one latest submission per indicator and period).
-#}
{% test exactly_one_true_per(model, column_name, group_by) %}

select
    {{ group_by | join(', ') }},
    sum(case when {{ column_name }} then 1 else 0 end) as true_rows
from {{ model }}
group by {{ group_by | join(', ') }}
having sum(case when {{ column_name }} then 1 else 0 end) <> 1

{% endtest %}
