{#-
    The post-hook that refreshes a table's planner statistics right after a build (the incremental
    tables and the overdue marts): PostgreSQL's `analyze`. On Spark nothing (issue 16): ANALYZE TABLE
    is not supported for Iceberg (v2) tables, and an empty hook is skipped by dbt.
-#}
{% macro analyze_table(relation) -%}
    {{ return(adapter.dispatch('analyze_table', 'cur_dwh')(relation)) }}
{%- endmacro %}

{% macro default__analyze_table(relation) -%}
    analyze {{ relation }}
{%- endmacro %}

{% macro spark__analyze_table(relation) -%}{%- endmacro %}
