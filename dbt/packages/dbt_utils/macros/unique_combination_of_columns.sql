{#-
    unique_combination_of_columns: no two rows share the same values of `combination_of_columns`,
    the grain (primary key) of a model. Fails with one row per duplicated key and its count.
    Usage:  data_tests:
              - dbt_utils.unique_combination_of_columns:
                  arguments:
                    combination_of_columns: [month_start, sector_code]
-#}
{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}

{%- set columns = [] -%}
{%- for column in combination_of_columns -%}
    {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}

select
    {{ columns | join(', ') }},
    count(*) as rows_with_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
