{#-
    Type names that differ between the engines (issue 16). PostgreSQL gets exactly the names the
    models wrote before (so its columns keep their types); Spark gets its own names (`text`,
    unbounded `varchar` and `double precision` are not Spark SQL types).
-#}

{% macro type_text() -%}
    {{ return(adapter.dispatch('type_text', 'cur_dwh')()) }}
{%- endmacro %}

{% macro default__type_text() -%}text{%- endmacro %}

{% macro spark__type_text() -%}string{%- endmacro %}

{% macro type_varchar() -%}
    {{ return(adapter.dispatch('type_varchar', 'cur_dwh')()) }}
{%- endmacro %}

{% macro default__type_varchar() -%}varchar{%- endmacro %}

{% macro spark__type_varchar() -%}string{%- endmacro %}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'cur_dwh')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}
