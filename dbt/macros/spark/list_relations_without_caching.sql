{#
  Spark only (issue 16). dbt-spark lists a schema's relations with `show table extended … like '*'`,
  which fails on Iceberg tables of the session catalog, so a second snapshot run breaks (dbt-adapters
  issue 489). Raising here makes dbt-spark fall back to `show tables` + `describe` per relation, which
  works. Not used on PostgreSQL (dispatch picks postgres__ / default__ there).
#}
{% macro spark__list_relations_without_caching(relation) %}
    {{ exceptions.raise_compiler_error(
        "list relations with `describe`: `show table extended` fails on Iceberg tables"
    ) }}
{% endmacro %}
