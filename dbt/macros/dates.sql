{#-
    Date arithmetic that differs between the engines (issue 16). PostgreSQL gets exactly the SQL the
    models wrote before.
-#}

{#- Whole days from the date `start_date` to the date `end_date` (an integer). -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'cur_dwh')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    {{ end_date }} - {{ start_date }}
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}
