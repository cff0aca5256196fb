{#-
    code_mapped: every non-blank source label got a code. Fails (one row per label) for a label the
    mapping in the model does not know, so a new value in a source export is seen, not silently nulled.
    Usage:  columns: - name: outcome_code
                       data_tests: [{code_mapped: {arguments: {label_column: outcome}}}]
-#}
{% test code_mapped(model, column_name, label_column) %}

select
    {{ label_column }} as unmapped_label,
    count(*) as rows_with_label
from {{ model }}
where
    nullif(trim({{ label_column }}), '') is not null
    and {{ column_name }} is null
group by {{ label_column }}

{% endtest %}
