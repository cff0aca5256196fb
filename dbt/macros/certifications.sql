{#-
    certification_failures(latest): one row per validation of `latest` that failed expectations,
    with their checks joined by '; ' (a non-critical one with its severity in brackets). The record's
    failed_expectations is a JSON array of objects (`check`, `severity`): jsonb on PostgreSQL, its
    text on Spark (bench/spark_copy.py copies json as text), where it is parsed with from_json.
-#}
{% macro certification_failures(latest) -%}
    {{ return(adapter.dispatch('certification_failures', 'cur_dwh')(latest)) }}
{%- endmacro %}

{% macro default__certification_failures(latest) -%}
    select
        {{ latest }}.validation_id,
        string_agg(
            case
                when coalesce(failure ->> 'severity', 'critical') = 'critical' then failure ->> 'check'
                else '(' || (failure ->> 'severity') || ') ' || (failure ->> 'check')
            end,
            '; '
        ) as failed_expectations
    from {{ latest }}
    cross join lateral jsonb_array_elements({{ latest }}.failed_expectations) as failure
    group by {{ latest }}.validation_id
{%- endmacro %}

{% macro spark__certification_failures(latest) -%}
    select
        exploded.validation_id,
        array_join(collect_list(
            case
                when coalesce(exploded.failure['severity'], 'critical') = 'critical' then exploded.failure['check']
                else '(' || exploded.failure['severity'] || ') ' || exploded.failure['check']
            end
        ), '; ') as failed_expectations
    from (
        select
            {{ latest }}.validation_id,
            explode(from_json({{ latest }}.failed_expectations, 'array<map<string, string>>')) as failure
        from {{ latest }}
    ) as exploded
    group by exploded.validation_id
{%- endmacro %}
