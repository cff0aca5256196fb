{#-
    String functions that differ between the engines (issue 16). PostgreSQL gets exactly the SQL the
    models wrote before.
-#}

{#- 1-based position of `needle` in `haystack`, 0 when absent. -#}
{% macro str_position(haystack, needle) -%}
    {{ return(adapter.dispatch('str_position', 'cur_dwh')(haystack, needle)) }}
{%- endmacro %}

{% macro default__str_position(haystack, needle) -%}
    strpos({{ haystack }}, {{ needle }})
{%- endmacro %}

{% macro spark__str_position(haystack, needle) -%}
    instr({{ haystack }}, {{ needle }})
{%- endmacro %}

{#-
    Regular expressions. Patterns are written in PostgreSQL's dialect (ARE) and passed as text (the
    macros quote them); Spark (Java regex) gets them translated:

    - the POSIX classes the models use, `[:space:]` and `[:punct:]`, become `\s` and `\p{Punct}`:
      both ASCII only, as PostgreSQL's classes are in the warehouse's C locale (initdb --no-locale);
    - a class opening with `]` and `[` as members (`[^][…]`) gets them escaped (`[^\]\[…]`): Java
      would read that `]` as the end of the class;
    - a replacement's back references `\1` become `$1`;
    - backslashes are doubled in Spark's string literals (PostgreSQL's standard conforming strings
      keep them as written).
-#}

{% macro _pg_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro _spark_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{% macro _spark_pattern(pattern) -%}
    {{- pattern | replace('[^][', '[^\\]\\[') | replace('[:space:]', '\\s') | replace('[:punct:]', '\\p{Punct}') -}}
{%- endmacro %}

{#- `expr` matches `pattern` (anywhere, as PostgreSQL's `~`), case-insensitively with ignore_case (`~*`). -#}
{% macro regex_matches(expr, pattern, ignore_case=false) -%}
    {{ return(adapter.dispatch('regex_matches', 'cur_dwh')(expr, pattern, ignore_case)) }}
{%- endmacro %}

{% macro default__regex_matches(expr, pattern, ignore_case=false) -%}
    {{ expr }} {{ '~*' if ignore_case else '~' }} {{ _pg_literal(pattern) }}
{%- endmacro %}

{% macro spark__regex_matches(expr, pattern, ignore_case=false) -%}
    {{ expr }} rlike {{ _spark_literal(('(?i)' if ignore_case else '') ~ _spark_pattern(pattern)) }}
{%- endmacro %}

{#- Every match of `pattern` in `expr` replaced (PostgreSQL's regexp_replace with the 'g' flag). -#}
{% macro regex_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'cur_dwh')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ _pg_literal(pattern) }}, {{ _pg_literal(replacement) }}, 'g')
{%- endmacro %}

{% macro spark__regex_replace_all(expr, pattern, replacement) -%}
    {%- set java_replacement = modules.re.sub('\\\\([0-9])', '$\\1', replacement | replace('$', '\\$')) -%}
    regexp_replace({{ expr }}, {{ _spark_literal(_spark_pattern(pattern)) }}, {{ _spark_literal(java_replacement) }})
{%- endmacro %}

{#-
    The first match of `pattern` in `expr` replaced (PostgreSQL's regexp_replace without flags), for
    patterns that match at most once (anchored at the start or the end): Spark's regexp_replace
    always replaces every match.
-#}
{% macro regex_replace_once(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_once', 'cur_dwh')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_once(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ _pg_literal(pattern) }}, {{ _pg_literal(replacement) }})
{%- endmacro %}

{% macro spark__regex_replace_once(expr, pattern, replacement) -%}
    {{ spark__regex_replace_all(expr, pattern, replacement) }}
{%- endmacro %}

{#-
    lower() as the warehouse's PostgreSQL does it: in its C locale only A-Z change, Cyrillic stays as
    written. Spark's lower() maps every script, so Spark maps A-Z only (the pseudonyms of both
    engines hash the same normalised text).
-#}
{% macro lower_c_locale(expr) -%}
    {{ return(adapter.dispatch('lower_c_locale', 'cur_dwh')(expr)) }}
{%- endmacro %}

{% macro default__lower_c_locale(expr) -%}
    lower({{ expr }})
{%- endmacro %}

{% macro spark__lower_c_locale(expr) -%}
    translate({{ expr }}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
{%- endmacro %}
