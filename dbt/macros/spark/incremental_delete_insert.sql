{#
  Spark only (issue 16). dbt-spark knows the incremental strategies append, merge, insert_overwrite
  and microbatch; the models that replace a whole group of rows per key (fct_appeal_events: an
  appeal's history; kpi_appeals: a month's rows) use delete+insert, whose key is not unique in the
  table, so merge cannot stand in for it. On Iceberg (row-level deletes) it is done as on PostgreSQL:
  the target's rows whose key is in the new rows are deleted, then the new rows inserted. Not atomic
  (two Iceberg commits), unlike PostgreSQL's transaction. The other strategies are checked and
  written as dbt-spark's own macros (dbt-spark 1.11) do: these two replace them, and a project
  cannot call a package's macro of the same name. Not used on PostgreSQL (dbt-spark's incremental
  materialization only).
#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy == 'delete+insert' and file_format == 'iceberg' -%}
        {%- do return(raw_strategy) -%}
    {%- endif -%}
    {#- dbt-spark's own checks (its macro cannot be called by its package name from here) -#}
    {%- if raw_strategy not in ['append', 'merge', 'insert_overwrite', 'microbatch'] -%}
        {%- do exceptions.raise_compiler_error(
            "Invalid incremental strategy provided: " ~ raw_strategy
            ~ "\n    Expected one of: 'append', 'merge', 'insert_overwrite', 'microbatch'"
            ~ (", and 'delete+insert' on iceberg" if file_format != 'iceberg' else '')
        ) -%}
    {%- endif -%}
    {%- if raw_strategy == 'merge' and file_format not in ['delta', 'iceberg', 'hudi'] -%}
        {%- do exceptions.raise_compiler_error(
            "Invalid incremental strategy provided: merge"
            ~ "\n    You can only choose this strategy when file_format is set to 'delta' or 'iceberg' or 'hudi'"
        ) -%}
    {%- endif -%}
    {%- if raw_strategy in ['insert_overwrite', 'microbatch'] and target.endpoint -%}
        {%- do exceptions.raise_compiler_error(
            "Invalid incremental strategy provided: " ~ raw_strategy
            ~ "\n    You cannot use this strategy when connecting via endpoint"
        ) -%}
    {%- endif -%}
    {%- do return(raw_strategy) -%}
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
    {#- the other strategies as dbt-spark's dbt_spark_get_incremental_sql writes them -#}
    {%- elif strategy == 'append' -%}
        {{ get_insert_into_sql(source, target) }}
    {%- elif strategy in ['insert_overwrite', 'microbatch'] -%}
        {%- if strategy == 'microbatch' and not config.get('partition_by') -%}
            {{ exceptions.raise_compiler_error(
                "dbt-spark 'microbatch' incremental strategy requires a `partition_by` config."
            ) }}
        {%- endif -%}
        {{ get_insert_overwrite_sql(source, target, existing) }}
    {%- elif strategy == 'merge' -%}
        {{ get_merge_sql(
            target, source, unique_key, dest_columns=none, incremental_predicates=incremental_predicates
        ) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("No known SQL for the incremental strategy provided: " ~ strategy) }}
    {%- endif -%}
{% endmacro %}
