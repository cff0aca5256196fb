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

{#- ISO day of the week of a date: 1 = Monday … 7 = Sunday. -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'cur_dwh')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expr) -%}
    extract(isodow from {{ date_expr }})
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expr) -%}
    extract(dayofweek_iso from {{ date_expr }})
{%- endmacro %}

{#- ISO year of a date (the year its ISO week belongs to). -#}
{% macro iso_year(date_expr) -%}
    {{ return(adapter.dispatch('iso_year', 'cur_dwh')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_year(date_expr) -%}
    extract(isoyear from {{ date_expr }})
{%- endmacro %}

{% macro spark__iso_year(date_expr) -%}
    extract(yearofweek from {{ date_expr }})
{%- endmacro %}
