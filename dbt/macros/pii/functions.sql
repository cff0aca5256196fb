{#-
    ensure_pii_functions() (on-run-start, after ensure_pseudonym_key): the redaction and the
    pseudonyms as SQL functions in the schema `private`, for the retention purge of the raw layer
    (ingestion/retention.py, `cur data purge-pii`), which runs outside dbt:

      private.redact_free_text(value, surname, first_name, patronymic)  the text as staging shows it
      private.pseudonym_marker(value, kind)                              `pseudonym:<key>` (after the
          site for a URL), which the staging models read back as the very key they would compute;
          kind is epgu | email | phone | url, as the staging models pseudonymise those columns

    Both are rendered from the macros the staging models use (redact_free_text, pseudonymise), so a
    purged row stages exactly as it did before the purge. Every dbt run recreates them, so they follow
    the macros. No grants: like the key, they are for the owner (the purge runs as the dbt owner).
-#}
{% macro ensure_pii_functions() -%}
    {{ return(adapter.dispatch('ensure_pii_functions', 'cur_dwh')()) }}
{%- endmacro %}

{% macro default__ensure_pii_functions() -%}
    {%- if execute -%}
        {%- do log("The retention purge of raw personal data is implemented for PostgreSQL only.", info=true) -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro postgres__ensure_pii_functions() -%}
    {%- set schema = adapter.quote(var('pii_key_schema', 'private')) -%}
    {#- the schema exists (ensure_pseudonym_key runs first); `create schema if not exists` would still
        need the right to create schemas in the database, which dbt's role lacks (core/roles.py) -#}
    do $$
    begin
        if to_regnamespace('{{ var('pii_key_schema', 'private') }}') is null then
            create schema {{ schema }};
        end if;
    end
    $$;
    create or replace function {{ schema }}.redact_free_text(
        value text, surname text default null, first_name text default null, patronymic text default null
    ) returns text language sql immutable parallel safe as $redact$
        select {{ redact_free_text('value', ['surname', 'first_name', 'patronymic']) }}
    $redact$;
    create or replace function {{ schema }}.pseudonym_marker(value text, kind text)
    returns text language sql stable as $marker$
        select case kind
            when 'epgu' then 'pseudonym:' || {{ pseudonymise('value', kind='id', domain='epgu') }}
            when 'email' then 'pseudonym:' || {{ pseudonymise('value', kind='email') }}
            when 'phone' then 'pseudonym:' || {{ pseudonymise('value', kind='phone') }}
            when 'url' then coalesce(substring(value from '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]+') || '/', '')
                || 'pseudonym:' || {{ pseudonymise('value', kind='url') }}
        end
    $marker$;
    revoke all on function {{ schema }}.redact_free_text(text, text, text, text) from public;
    revoke all on function {{ schema }}.pseudonym_marker(text, text) from public;
{%- endmacro %}

{#-
    `dbt run-operation install_pii_functions`: the key and the functions without a run of the models
    (the retention purge calls it first, so the functions it uses are those of the current macros).
-#}
{% macro install_pii_functions() -%}
    {%- do run_query(ensure_pseudonym_key() ~ ";\n" ~ ensure_pii_functions() ~ ";\ncommit;") -%}
    {%- do log("Installed " ~ var('pii_key_schema', 'private') ~ ".redact_free_text and .pseudonym_marker.", info=true) -%}
{%- endmacro %}
