{#
  Spark only (issue 16). dbt-spark lists a schema's relations with `show table extended … like '*'`,
  which fails on Iceberg tables of the session catalog, so a second snapshot run breaks (dbt-adapters
  issue 489). Raising with the message dbt-spark looks for makes it fall back to `show tables` and a
  `describe` per relation, which works; a database that does not exist yet is reported as such (dbt-spark
  then lists nothing). Not used on PostgreSQL (dispatch picks postgres__ / default__ there).
#}
{% macro spark__list_relations_without_caching(relation) %}
    {%- set found = run_query("show databases like '" ~ relation.schema ~ "'") -%}
    {%- if found is none or (found.rows | length) == 0 -%}
        {{ exceptions.raise_compiler_error("Database not found: " ~ relation.schema) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "SHOW TABLE EXTENDED is not supported for v2 tables (Iceberg): listing with describe"
    ) }}
{% endmacro %}
