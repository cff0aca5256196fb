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

{#-
    An instant. Spark's `timestamp` is one (a point in time shown in the session time zone, UTC
    here), like PostgreSQL's `timestamp with time zone`.
-#}
{% macro type_timestamptz() -%}
    {{ return(adapter.dispatch('type_timestamptz', 'cur_dwh')()) }}
{%- endmacro %}

{% macro default__type_timestamptz() -%}timestamp with time zone{%- endmacro %}

{% macro spark__type_timestamptz() -%}timestamp{%- endmacro %}

{#-
    An exact number with fractions. PostgreSQL's unconstrained `numeric`; on Spark a bare `numeric`
    is decimal(10, 0) and would drop the fractions, so a wide decimal with 18 places.
-#}
{% macro type_numeric() -%}
    {{ return(adapter.dispatch('type_numeric', 'cur_dwh')()) }}
{%- endmacro %}

{% macro default__type_numeric() -%}numeric{%- endmacro %}

{% macro spark__type_numeric() -%}decimal(38, 18){%- endmacro %}
