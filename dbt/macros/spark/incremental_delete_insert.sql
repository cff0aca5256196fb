{#
  Spark only (issue 16). dbt-spark knows the incremental strategies append, merge, insert_overwrite
  and microbatch; the models that replace a whole group of rows per key (fct_appeal_events: an
  appeal's history; kpi_appeals: a month's rows) use delete+insert, whose key is not unique in the
  table, so merge cannot stand in for it. On Iceberg (row-level deletes) it is done as on PostgreSQL:
  the target's rows whose key is in the new rows are deleted, then the new rows inserted. Not atomic
  (two Iceberg commits), unlike PostgreSQL's transaction. Other strategies and file formats go to
  dbt-spark's own macros. Not used on PostgreSQL (dbt-spark's incremental materialization only).
#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy == 'delete+insert' and file_format == 'iceberg' -%}
        {%- do return(raw_strategy) -%}
    {%- endif -%}
    {%- do return(dbt_spark.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) -%}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy == 'delete+insert' -%}
        {%- if not unique_key -%}
            {{ exceptions.raise_compiler_error("delete+insert on Spark needs a unique_key (" ~ target ~ ")") }}
        {%- endif -%}
        {%- set keys = [unique_key] if unique_key is string else unique_key -%}
        {%- set matches = [] -%}
        {%- for key in keys -%}
            {%- do matches.append('dbt_new.' ~ key ~ ' = dbt_old.' ~ key) -%}
        {%- endfor -%}
        {%- for predicate in incremental_predicates or [] -%}
            {%- do matches.append(predicate) -%}
        {%- endfor -%}
        {%- do adapter.execute(
            'delete from ' ~ target ~ ' as dbt_old where exists (select 1 from ' ~ source ~ ' as dbt_new where '
            ~ (matches | join(' and ')) ~ ')',
            fetch=False
        ) -%}
        {{ get_insert_into_sql(source, target) }}
    {%- else -%}
        {{ dbt_spark.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) }}
    {%- endif -%}
{% endmacro %}
