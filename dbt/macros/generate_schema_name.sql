{#-
    Schemas are used exactly as configured (`staging`, `marts`, `reference` ...), not prefixed with
    the target schema as dbt does by default: the warehouse has one schema per layer, and the
    dashboards, Great Expectations suites and Dagster read them by these names.
    A model without a custom schema goes to the target schema (`analytics` in profiles.yml).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
