{#-
    Russian yes/no cells to a boolean: «Да» is true, «Нет» and «-» (the dash some exports use for
    "no") are false, blank is null. Any other text is null too; the column's `code_mapped` test
    reports such values. Spellings are listed (see map_values for why not lower()).
-#}
{% macro yes_no_to_boolean(expr) -%}
    case trim({{ expr }})
        when 'Да' then true
        when 'да' then true
        when 'ДА' then true
        when 'Нет' then false
        when 'нет' then false
        when 'НЕТ' then false
        when '-' then false
    end
{%- endmacro %}
