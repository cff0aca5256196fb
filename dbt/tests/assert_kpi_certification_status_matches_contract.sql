-- dbt-postgres does not enforce a model contract on a materialized view (a wrong data_type in the
-- YAML passes silently), so this test does: every column declared for kpi_certification_status,
-- with its data_type, against the materialized view's columns in the catalogue. Rows = mismatches.
{% set relation = ref('kpi_certification_status') %}
{% set declared = [] %}
{% if execute %}
    {% set node = graph.nodes.values() | selectattr('name', 'equalto', 'kpi_certification_status') | first %}
    {% for column in node.columns.values() %}
        {% do declared.append((column.name, column.data_type)) %}
    {% endfor %}
{% endif %}

with

declared as (

    {% for name, data_type in declared %}
        select
            '{{ name }}' as column_name,
            '{{ data_type }}' as data_type
        {% if not loop.last %}union all{% endif %}
    {% else %}
        select
            cast(null as text) as column_name,
            cast(null as text) as data_type
        where false
    {% endfor %}

),

actual as (

    select
        pg_attribute.attname as column_name,
        format_type(pg_attribute.atttypid, pg_attribute.atttypmod) as data_type
    from pg_attribute
    where
        pg_attribute.attrelid = to_regclass('{{ relation.schema }}.{{ relation.identifier }}')
        and pg_attribute.attnum > 0
        and not pg_attribute.attisdropped

)

select
    coalesce(declared.column_name, actual.column_name) as column_name,
    declared.data_type as declared_type,
    actual.data_type as actual_type
from declared
full outer join actual
    on declared.column_name = actual.column_name
where declared.data_type is distinct from actual.data_type
