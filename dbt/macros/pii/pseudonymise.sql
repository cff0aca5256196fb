{#-
    Keyed pseudonyms of personal data.

    Personal data (applicants' EPGU ids, e-mails, phones, names; authors' profile URLs and names)
    stops at staging: what passes on is a keyed hash of the normalised value, so the same person
    gets the same key in every appeal (repeat appeals can still be found) while the clear value
    cannot be recovered, nor guessed by hashing candidate phone numbers, without the key.

    The key comes from the environment (var `pii_key`, else env `CUR_PII_KEY`). It is NOT written
    into the SQL of the views: PostgreSQL shows any view's definition to every user of the
    database, so the key would leak to dashboard users. Instead `ensure_pseudonym_key()` (an
    on-run-start hook) stores it in a one-row table in the schema `private`, with no grants to
    anyone; the views read it through the view owner's rights. Changing the key changes every
    pseudonym (the views recompute), which is the way to rotate it.

    The hash: sha256 (built into PostgreSQL 11+, no pgcrypto needed; Spark's sha2) of key || ':' ||
    value, hashed again with the key in front (an HMAC-like envelope); other databases fall back to
    md5.
-#}

{% macro pseudonym_key_default() -%}
    dev-only-key
{%- endmacro %}

{% macro pseudonym_key_relation() -%}
    {{ adapter.quote(var('pii_key_schema', 'private')) }}.pseudonym_key
{%- endmacro %}

{% macro pseudonym_key_value() -%}
    {%- set key = var('pii_key', env_var('CUR_PII_KEY', pseudonym_key_default())) -%}
    {%- if key == pseudonym_key_default() and target.name not in var('pii_dev_targets', ['dev', 'ci', 'test']) -%}
        {{ exceptions.raise_compiler_error(
            "CUR_PII_KEY is not set: target '" ~ target.name ~ "' needs a real pseudonymisation key "
            ~ "(any long random string, kept secret and stable; see macros/pii/pseudonymise.sql)."
        ) }}
    {%- endif -%}
    {{ return(key) }}
{%- endmacro %}

{#- The key as SQL. Taken from CUR_PII_KEY it reaches the session as the setting `cur.pii_key`
    (core.dbt.dbt_env puts it into PGOPTIONS), so that neither the compiled hook nor dbt's logs and
    artefacts hold it; without that setting the hook fails rather than store another key. A key given
    as a var, or the development key, is written as a literal. -#}
{% macro pseudonym_key_sql(key) -%}
    {%- if var('pii_key', none) is none and env_var('CUR_PII_KEY', '') != '' -%}
        current_setting('cur.pii_key')
    {%- else -%}
        '{{ key | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}

{#- on-run-start: create the key table once and (re)write the key. -#}
{% macro ensure_pseudonym_key() -%}
    {{ return(adapter.dispatch('ensure_pseudonym_key', 'cur_dwh')()) }}
{%- endmacro %}

{#- Spark + Iceberg (issue 16, in progress): the key table in the database `private`, one statement
    at a time (the Thrift server runs one per call). Spark has no per-session setting that hides the
    key from the SQL, so the key is written as a literal here. -#}
{% macro spark__ensure_pseudonym_key() -%}
    {%- if execute -%}
        {%- set key = pseudonym_key_value() -%}
        {%- set schema = var('pii_key_schema', 'private') -%}
        {%- do adapter.execute('create database if not exists ' ~ schema, fetch=False) -%}
        {%- do adapter.execute(
            'create table if not exists ' ~ schema ~ '.pseudonym_key (key_id smallint, key_text string)'
            ~ ' using iceberg',
            fetch=False
        ) -%}
        {%- set literal = "'" ~ (key | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'" -%}
        {%- do adapter.execute(
            'insert overwrite ' ~ schema ~ '.pseudonym_key select cast(1 as smallint), ' ~ literal,
            fetch=False
        ) -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro default__ensure_pseudonym_key() -%}
    {%- if execute -%}
        {%- set key = pseudonym_key_value() -%}
        {%- if key == pseudonym_key_default() -%}
            {%- do log("CUR_PII_KEY is not set: personal-data pseudonyms use the development key.", info=true) -%}
        {%- endif -%}
        {#- only when missing: `create schema if not exists` needs the right to create schemas in the
            database even when it exists, which dbt's role does not have (core/roles.py) -#}
        do $$
        begin
            if to_regnamespace('{{ var('pii_key_schema', 'private') }}') is null then
                create schema {{ adapter.quote(var('pii_key_schema', 'private')) }};
            end if;
        end
        $$;
        create table if not exists {{ pseudonym_key_relation() }} (
            key_id smallint primary key default 1 check (key_id = 1),
            key_text text not null
        );
        revoke all on {{ pseudonym_key_relation() }} from public;
        insert into {{ pseudonym_key_relation() }} (key_id, key_text)
        values (1, {{ pseudonym_key_sql(key) }})
        on conflict (key_id) do update set key_text = excluded.key_text
        where {{ pseudonym_key_relation() }}.key_text is distinct from excluded.key_text;
    {%- endif -%}
{%- endmacro %}

{#- Normalisation before hashing, by kind of value. Returns SQL; null stays null, blank becomes null. -#}
{% macro normalise_pii(expr, kind='text') -%}
    {%- if kind == 'phone' -%}
        {#- digits only; Russian numbers to 11 digits starting with 7 (8XXXXXXXXXX and XXXXXXXXXX too) -#}
        {%- set digits = regex_replace_all(expr, '[^0-9]', '') -%}
        nullif(
            case
                when length({{ digits }}) = 11 and left({{ digits }}, 1) = '8' then '7' || substr({{ digits }}, 2)
                when length({{ digits }}) = 10 then '7' || {{ digits }}
                else {{ digits }}
            end,
            ''
        )
    {%- elif kind == 'email' -%}
        nullif({{ lower_c_locale('trim(' ~ expr ~ ')') }}, '')
    {%- elif kind == 'url' -%}
        {#- scheme, "www." / "m." and trailing slashes do not make another person -#}
        nullif(
            {{ regex_replace_once(
                regex_replace_once(lower_c_locale('trim(' ~ expr ~ ')'), '^(https?://)?(www\\.|m\\.)?', ''), '/+$', ''
            ) }},
            ''
        )
    {%- elif kind == 'id' -%}
        nullif(trim({{ expr }}), '')
    {%- else -%}
        nullif({{ regex_replace_all(lower_c_locale('trim(' ~ expr ~ ')'), '\\s+', ' ') }}, '')
    {%- endif -%}
{%- endmacro %}

{#-
    pseudonymise(expr, kind='text', domain=none): the keyed pseudonym of one value, a 64-character
    hex string (32 on the md5 fallback), or null when the value is null or blank. `domain` (e.g.
    'email') is hashed in, so equal strings of different kinds never share a key.
-#}
{% macro pseudonymise(expr, kind='text', domain=none) -%}
    {{ return(adapter.dispatch('pseudonymise', 'cur_dwh')(expr, kind, domain)) }}
{%- endmacro %}

{#- Null propagates through || and the hash functions: a null or blank value gives a null key. -#}
{% macro default__pseudonymise(expr, kind, domain) -%}
    md5(
        (select k.key_text from {{ pseudonym_key_relation() }} as k)
        || md5(
            (select k.key_text from {{ pseudonym_key_relation() }} as k)
            || ':{{ domain or kind }}:' || {{ normalise_pii(expr, kind) }}
        )
    )
{%- endmacro %}

{#-
    A value the retention purge has already replaced (ingestion/retention.py) holds its pseudonym:
    `pseudonym:<64 hex>`, after the site for a URL (`https://vk.com/pseudonym:<hex>`). Such a value
    gives that pseudonym back, so a purged row keeps the key it had (private.pseudonym_marker, made
    from this macro by ensure_pii_functions, wrote it).
-#}
{% macro postgres__pseudonymise(expr, kind, domain) -%}
    case
        when {{ expr }} ~ '(^|/)pseudonym:[0-9a-f]{64}$'
            then substring({{ expr }} from 'pseudonym:([0-9a-f]{64})$')
        else {{ pseudonym_sha256(expr, kind, domain) }}
    end
{%- endmacro %}

{#-
    Spark (issue 16): the same pseudonym as PostgreSQL's, sha2(…, 256) giving the same lower-case hex
    digest of the same UTF-8 text, and the same marker of a purged value.
-#}
{% macro spark__pseudonymise(expr, kind, domain) -%}
    case
        when {{ regex_matches(expr, '(^|/)pseudonym:[0-9a-f]{64}$') }}
            then regexp_extract({{ expr }}, 'pseudonym:([0-9a-f]{64})$', 1)
        else sha2(
            (select k.key_text from {{ pseudonym_key_relation() }} as k)
            || sha2(
                (select k.key_text from {{ pseudonym_key_relation() }} as k)
                || ':{{ domain or kind }}:' || {{ normalise_pii(expr, kind) }},
                256
            ),
            256
        )
    end
{%- endmacro %}

{% macro pseudonym_sha256(expr, kind, domain) -%}
    encode(sha256(convert_to(
        (select k.key_text from {{ pseudonym_key_relation() }} as k)
        || encode(sha256(convert_to(
            (select k.key_text from {{ pseudonym_key_relation() }} as k)
            || ':{{ domain or kind }}:' || {{ normalise_pii(expr, kind) }},
            'UTF8'
        )), 'hex'),
        'UTF8'
    )), 'hex')
{%- endmacro %}
