{#-
    normalise_place(text): a place text in one spelling for word matching (int_appeals__places):
    lower case (Cyrillic by an explicit table, since lower() follows the database's locale and a "C"
    database leaves Cyrillic as it is), ё as е, every run of characters other than letters, digits and
    the hyphen as one blank, trimmed.
-#}
{% macro normalise_place(text) -%}
    {%- set lowered -%}
        lower(translate(
            {{ text }},
            'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё',
            'абвгдеежзийклмнопрстуфхцчшщъыьэюяе'
        ))
    {%- endset -%}
    trim({{ regex_replace_all(lowered, '[^0-9a-zа-я-]+', ' ') }})
{%- endmacro %}

{#-
    municipality_place_names(municipalities): the names a place text may use for each municipality,
    normalised like the text: its short name and its administrative centre without the settlement kind
    («г», «с», «п», «рп», «пгт», «аал»). One row per (oktmo, place_name).
-#}
{% macro municipality_place_names(municipalities) -%}
    select
        cast(oktmo as {{ type_varchar() }}) as oktmo,
        {{ normalise_place('short_name') }} as place_name
    from {{ municipalities }}
    union
    select
        cast(oktmo as {{ type_varchar() }}) as oktmo,
        {{ regex_replace_once(normalise_place('admin_centre'), '^(г|с|п|рп|пгт|аал) ', '') }} as place_name
    from {{ municipalities }}
{%- endmacro %}

{#-
    named_municipalities(normalised, place_names, keys): every municipality named in a text, as whole
    words of `location_words` (the normalised text padded with blanks), ranked per item (`keys`): the
    name that comes first in the text ranks 1, the longer name first where two start at the same place.
-#}
{% macro named_municipalities(normalised, place_names, keys) -%}
    select
        {%- for key in keys %}
        {{ normalised }}.{{ key }},
        {%- endfor %}
        {{ place_names }}.oktmo,
        row_number() over (
            partition by {% for key in keys %}{{ normalised }}.{{ key }}{{ ", " if not loop.last }}{% endfor %}
            order by
                {{ str_position(normalised ~ '.location_words', "' ' || " ~ place_names ~ ".place_name || ' '") }} asc,
                length({{ place_names }}.place_name) desc
        ) as match_rank
    from {{ normalised }}
    inner join {{ place_names }}
        on {{ str_position(normalised ~ '.location_words', "' ' || " ~ place_names ~ ".place_name || ' '") }} > 0
{%- endmacro %}
