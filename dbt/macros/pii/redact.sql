{#-
    Redaction of personal data in free text (appeal and incident texts, answers, comments).

    redact_free_text(expr, names=[]) returns the text with, in this order:

      profile links  vk.com/…, ok.ru/…, t.me/… (with or without the scheme, www. or m.)
                     and @handles                                                          -> [профиль]
      e-mails        name@host.tld, Cyrillic domains too                                   -> [e-mail]
      documents      СНИЛС 123-456-789 01; passport 4510 123456 / 45 10 № 123456 /
                     серия 4510 номер 123456; a number right after «СНИЛС» or «паспорт»;
                     12-digit ИНН of a person; 16-digit card numbers                       -> [документ]
      phones         +7 / 8 / 7 with a separated code: +7 (913) 123-45-67, 8 913 123 45 67,
                     8 (3902) 22-33-44; contiguous +79131234567, 89131234567; a mobile
                     without the prefix: (913) 123-45-67, 9131234567; a local 22-33-44 /
                     123-45-67                                                             -> [телефон]
      names          the name parts of the same record (`names`: SQL expressions of the
                     surname, first name, patronymic), in any inflection: the stem (the
                     name without its ending: Иванова -> Иванов, Мария -> Мари, Павел ->
                     Пав[е]л) followed by up to three letters, capitalised or in capitals,
                     as a whole word; initials next to a redacted name go with it, and
                     adjacent name placeholders merge into one                             -> [ФИО]

    What is kept on purpose (the unit tests in stg_im__incidents.yml and stg_pos__appeals.yml hold
    both sides): dates (15.01.2026, 2026-01-15), times, sums (15 000 руб., 1 250,50 руб.), appeal
    and incident numbers (ПОС-2026-0000123, ИНЦ-2026-00012345), OKTMO codes (95701000,
    95701000001), house and flat numbers, postcodes, 10-digit ИНН of organisations, links to other
    sites. The rest of the text is left as written, so topic analysis still reads it.

    Numbers are matched as whole runs of digits (a lookbehind/lookahead for a digit), so a phone
    never matches inside a longer number. Letters are spelled out as ranges (А-ЯЁа-яё) and case is
    mapped with translate(): PostgreSQL's upper()/lower(), \m and the `i` flag leave Cyrillic alone
    in a database with the C locale (the embedded server). A name part that is not one Cyrillic word
    (blank, a placeholder such as [ФИО], Latin letters) or whose stem is shorter than three letters
    is not searched for. Applied twice, the redaction changes nothing more (the retention purge
    relies on it: ingestion/retention.py).

    Portable through adapter.dispatch: postgres__redact_free_text and spark__redact_free_text are
    the implementations; another adapter needs its own <adapter>__redact_free_text (the regex
    dialects differ).
-#}

{%- macro _cyrillic_upper() -%}АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ{%- endmacro -%}
{%- macro _cyrillic_lower() -%}абвгдеёжзийклмнопрстуфхцчшщъыьэюя{%- endmacro -%}

{#- The pattern rules, applied in order: [regex, replacement]. -#}
{% macro redaction_rules() -%}
    {%- set no_digit_before = '(?<![0-9])' -%}
    {%- set no_digit_after = '(?![0-9])' -%}
    {%- set networks = 'vk[.]com|vk[.]ru|vkontakte[.]ru|ok[.]ru|odnoklassniki[.]ru|t[.]me|telegram[.]me'
        ~ '|instagram[.]com|facebook[.]com|fb[.]com|twitter[.]com|tiktok[.]com|youtube[.]com'
        ~ '|rutube[.]ru|dzen[.]ru|zen[.]yandex[.]ru|my[.]mail[.]ru' -%}
    {%- set url_char = '[^][[:space:],;"«»()<>]' -%}
    {%- set rules = [
        ['(?<![A-Za-z0-9_.@/-])(https?://)?(www[.]|m[.])?(' ~ networks ~ ')/' ~ url_char ~ '*[^][[:space:],;"«»()<>.!?]',
            '[профиль]'],
        ['[A-Za-z0-9А-ЯЁа-яё._%+-]+@[A-Za-z0-9А-ЯЁа-яё-]+([.][A-Za-z0-9А-ЯЁа-яё-]+)*[.][A-Za-zА-ЯЁа-яё]{2,}',
            '[e-mail]'],
        ['(?<![A-Za-z0-9_.@])@[A-Za-z][A-Za-z0-9_]{3,31}', '[профиль]'],
        [no_digit_before ~ '[0-9]{3}[ -][0-9]{3}[ -][0-9]{3}[ -]{1,2}[0-9]{2}' ~ no_digit_after, '[документ]'],
        ['(СНИЛС|Снилс|снилс|ПАСПОРТ|[Пп]аспорт[а-яё]*)([^0-9]{0,20})' ~ no_digit_before
            ~ '[0-9][0-9 -]{8,13}[0-9]' ~ no_digit_after, '\\1\\2[документ]'],
        ['([Сс]ери[яи]|СЕРИЯ)[ :]*[0-9]{2} ?[0-9]{2}[ ,]*(номер|№|N)?[ :]*[0-9]{6}' ~ no_digit_after, '[документ]'],
        [no_digit_before ~ '[0-9]{2} ?[0-9]{2} +(№ ?|N ?)?[0-9]{6}' ~ no_digit_after, '[документ]'],
        [no_digit_before ~ '[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}' ~ no_digit_after, '[документ]'],
        [no_digit_before ~ '[0-9]{12}' ~ no_digit_after, '[документ]'],
        ['(\\+7|' ~ no_digit_before ~ '[78])([ -]*\\([0-9]{3,5}\\)[ -]*|[ -]+[0-9]{3,5}[ -]+)'
            ~ '[0-9]{1,3}[ -]?[0-9]{2}[ -]?[0-9]{2}' ~ no_digit_after, '[телефон]'],
        ['(\\+7[ -]?[0-9]{3}|' ~ no_digit_before ~ '[78]9[0-9]{2})[ -]?[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}'
            ~ no_digit_after, '[телефон]'],
        ['(?<![0-9+])(\\(9[0-9]{2}\\) ?|9[0-9]{2}[ -]?)[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}' ~ no_digit_after,
            '[телефон]'],
        ['(?<![0-9.-])[0-9]{2,3}-[0-9]{2}-[0-9]{2}(?![0-9.-])', '[телефон]'],
    ] -%}
    {{ return(rules) }}
{%- endmacro %}

{#- SQL: the alternation of the search patterns of the name parts (SQL expressions), or null. -#}
{% macro _names_pattern(names) -%}
    {%- set upper = _cyrillic_upper() -%}
    {%- set lower = _cyrillic_lower() -%}
    (
        select string_agg(
            replace(translate(substr(stems.stem, 1, 1), '{{ lower }}', '{{ upper }}'), 'Е', '[ЕЁ]')
            || replace(substr(stems.stem, 2), 'е', '[её]') || '[а-яё]{0,3}|'
            || replace(translate(stems.stem, '{{ lower }}', '{{ upper }}'), 'Е', '[ЕЁ]') || '[А-ЯЁ]{0,3}',
            '|'
        )
        from (
            {#- a fleeting е before the last consonant is optional (Павел -> Павла) -#}
            select regexp_replace(cut.stem, '([^аеиоуыэюяь])е([^аеиоуыэюяьй])$', '\1е?\2') as stem
            from (
                {#- the stem: without an adjective ending or one final vowel; a short name loses one letter -#}
                select case
                    when words.word !~ '^[а-я]+(-[а-я]+)?$' then null
                    when length(regexp_replace(words.word, '(ая|яя|ий|ый|ой|[аеиоуыьйюя])$', '')) >= 3
                        then regexp_replace(words.word, '(ая|яя|ий|ый|ой|[аеиоуыьйюя])$', '')
                    when length(regexp_replace(words.word, '[аеиоуыьйюя]$', '')) >= 3
                        then regexp_replace(words.word, '[аеиоуыьйюя]$', '')
                end as stem
                from (
                    {#- lower case, ё as е -#}
                    select translate(trim(parts.part), '{{ upper }}ё', '{{ lower | replace('ё', 'е') }}е') as word
                    from (values {% for name in names %}({{ name }}){{ ', ' if not loop.last }}{% endfor %})
                        as parts (part)
                ) as words
            ) as cut
            where cut.stem is not null
        ) as stems
    )
{%- endmacro %}

{% macro redact_free_text(expr, names=[]) -%}
    {{ return(adapter.dispatch('redact_free_text', 'cur_dwh')(expr, names)) }}
{%- endmacro %}

{#-
    Spark (issue 16): the same rules in Java's regex dialect (macros/strings.sql translates the POSIX
    classes and the back references; `[^][` becomes `[^\]\[`, Java reading `]` first in a class as
    its end). The name pattern is built per row with higher-order functions over the name parts
    (Spark has no string_agg over a correlated `values`): each part's stem as PostgreSQL's
    _names_pattern makes it, joined with `|` (array_join skips the parts without a stem).
-#}
{% macro spark__redact_free_text(expr, names) -%}
    {%- set ns = namespace(sql=expr) -%}
    {%- for rule in redaction_rules() -%}
        {%- set ns.sql = spark__regex_replace_all(ns.sql, rule[0], rule[1]) -%}
    {%- endfor -%}
    {%- if names -%}
        {%- set ns.sql = "regexp_replace(" ~ ns.sql ~ ", coalesce('(?<![А-ЯЁа-яё])(' || "
            ~ _spark_names_pattern(names) ~ " || ')(?![А-ЯЁа-яё])', 'x^'), '[ФИО]')" -%}
    {%- endif -%}
    {%- set ns.sql = spark__regex_replace_all(ns.sql, '\\[ФИО\\](\\s*[А-ЯЁ][.]){1,2}', '[ФИО]') -%}
    {%- set ns.sql = spark__regex_replace_all(ns.sql, '([А-ЯЁ][.]\\s*){1,2}\\[ФИО\\]', '[ФИО]') -%}
    {{ spark__regex_replace_all(ns.sql, '\\[ФИО\\](\\s+\\[ФИО\\])+', '[ФИО]') }}
{%- endmacro %}

{#- Spark SQL: the alternation of the search patterns of the name parts, or null (as _names_pattern). -#}
{% macro _spark_names_pattern(names) -%}
    {%- set upper = _cyrillic_upper() -%}
    {%- set lower = _cyrillic_lower() -%}
    nullif(array_join(
        transform(
            transform(
                transform(
                    transform(
                        array({{ names | join(', ') }}),
                        name_part -> translate(trim(name_part), '{{ upper }}ё', '{{ lower | replace('ё', 'е') }}е')
                    ),
                    name_word -> case
                        when not {{ spark__regex_matches('name_word', '^[а-я]+(-[а-я]+)?$') }} then null
                        when length({{
                            spark__regex_replace_all('name_word', '(ая|яя|ий|ый|ой|[аеиоуыьйюя])$', '')
                        }}) >= 3
                            then {{ spark__regex_replace_all('name_word', '(ая|яя|ий|ый|ой|[аеиоуыьйюя])$', '') }}
                        when length({{ spark__regex_replace_all('name_word', '[аеиоуыьйюя]$', '') }}) >= 3
                            then {{ spark__regex_replace_all('name_word', '[аеиоуыьйюя]$', '') }}
                    end
                ),
                name_cut -> {{ spark__regex_replace_all('name_cut', '([^аеиоуыэюяь])е([^аеиоуыэюяьй])$', '\\1е?\\2') }}
            ),
            name_stem -> replace(translate(substr(name_stem, 1, 1), '{{ lower }}', '{{ upper }}'), 'Е', '[ЕЁ]')
                || replace(substr(name_stem, 2), 'е', '[её]') || '[а-яё]{0,3}|'
                || replace(translate(name_stem, '{{ lower }}', '{{ upper }}'), 'Е', '[ЕЁ]') || '[А-ЯЁ]{0,3}'
        ),
        '|'
    ), '')
{%- endmacro %}

{% macro default__redact_free_text(expr, names) -%}
    {{ exceptions.raise_compiler_error(
        "redact_free_text has no implementation for the adapter '" ~ adapter.type() ~ "': write "
        ~ adapter.type() ~ "__redact_free_text (dbt/macros/pii/redact.sql) with that database's regex dialect."
    ) }}
{%- endmacro %}

{% macro postgres__redact_free_text(expr, names) -%}
    {%- set ns = namespace(sql=expr) -%}
    {%- for rule in redaction_rules() -%}
        {%- set ns.sql = "regexp_replace(" ~ ns.sql ~ ", '" ~ rule[0] ~ "', '" ~ rule[1] ~ "', 'g')" -%}
    {%- endfor -%}
    {%- if names -%}
        {#- 'x^' never matches: a record without a usable name part -#}
        {%- set ns.sql = "regexp_replace(" ~ ns.sql ~ ", coalesce('(?<![А-ЯЁа-яё])(' || "
            ~ _names_pattern(names) ~ " || ')(?![А-ЯЁа-яё])', 'x^'), '[ФИО]', 'g')" -%}
    {%- endif -%}
    regexp_replace(
        regexp_replace(
            regexp_replace({{ ns.sql }}, '\[ФИО\](\s*[А-ЯЁ][.]){1,2}', '[ФИО]', 'g'),
            '([А-ЯЁ][.]\s*){1,2}\[ФИО\]', '[ФИО]', 'g'
        ),
        '\[ФИО\](\s+\[ФИО\])+', '[ФИО]', 'g'
    )
{%- endmacro %}
