{#-
    map_values(expr, mapping): a Russian label to a stable code. `mapping` is a dict of labels to
    codes. The label is compared trimmed, with ё as е, in its usual spellings (as given, lower case,
    upper case, capitalised). The variants are spelled out here rather than lower()-ed in SQL because
    PostgreSQL's lower() leaves Cyrillic alone in a database with the C locale (the embedded server).
    An unmapped label gives null, which the `code_mapped` test reports.
-#}
{% macro map_values(expr, mapping) -%}
    case replace(replace(trim({{ expr }}), 'ё', 'е'), 'Ё', 'Е')
    {%- for label, code in mapping.items() %}
        {%- set base = label | replace('ё', 'е') | replace('Ё', 'Е') %}
        {%- set seen = [] %}
        {%- for variant in [base, base | lower, base | upper, base | capitalize] if variant not in seen %}
            {%- do seen.append(variant) %}
        when '{{ variant | replace("'", "''") }}' then '{{ code }}'
        {%- endfor %}
    {%- endfor %}
    end
{%- endmacro %}
