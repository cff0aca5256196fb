{#-
    prefer_hash_joins(): a pre-hook for a model whose selects join sets the planner cannot estimate
    (a `row_number() … = 1` filter over a narrowed CTE is estimated at one row), so that a nested loop
    does not re-run an aggregate once per outer row. On PostgreSQL `set local` turns nested loops off
    for the model's own transaction only (dbt runs the hook inside it; it ends at the commit); other
    adapters plan differently and get no statement.
-#}
{% macro prefer_hash_joins() -%}
    {{ return(adapter.dispatch('prefer_hash_joins', 'cur_dwh')()) }}
{%- endmacro %}

{% macro postgres__prefer_hash_joins() -%}
    set local enable_nestloop = off
{%- endmacro %}

{% macro default__prefer_hash_joins() -%}
{%- endmacro %}

{#-
    in_subquery(column, subquery): `column in (subquery)`, written so that the raw tables' lookup
    index (ingestion/schemas.py, Table.lookup) serves it under prefer_hash_joins: on PostgreSQL
    `= any(array(subquery))`, an index scan for the array the sub-select returns once (a semi-join
    could probe an index only by a nested loop); elsewhere the plain `in`.
-#}
{% macro in_subquery(column, subquery) -%}
    {{ return(adapter.dispatch('in_subquery', 'cur_dwh')(column, subquery)) }}
{%- endmacro %}

{% macro postgres__in_subquery(column, subquery) -%}
    {{ column }} = any(array({{ subquery }}))
{%- endmacro %}

{% macro default__in_subquery(column, subquery) -%}
    {{ column }} in ({{ subquery }})
{%- endmacro %}
