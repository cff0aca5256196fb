{#-
    normalise_place(text): a place text in one spelling for word matching (int_appeals__places):
    lower case (Cyrillic by an explicit table, since lower() follows the database's locale and a "C"
    database leaves Cyrillic as it is), ё as е, every run of characters other than letters, digits and
    the hyphen as one blank, trimmed.
-#}
{% macro normalise_place(text) -%}
    trim(regexp_replace(
        lower(translate(
            {{ text }},
            'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё',
            'абвгдеежзийклмнопрстуфхцчшщъыьэюяе'
        )),
        '[^0-9a-zа-я-]+',
        ' ',
        'g'
    ))
{%- endmacro %}
