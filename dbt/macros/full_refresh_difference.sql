{#- The body of the full-refresh equality tests (dbt/tests/assert_*_full_refresh.sql): the rows of the
    caller's CTEs `incremental_rows` and `full_refresh_rows` found on one side only (a row whose
    columns differ shows on both sides), each labelled with its side and listed by `keys`. It emits
    the CTEs `only_in_incremental`, `only_in_full_refresh` and `final`; the test ends with
    `select * from final`. -#}
{% macro full_refresh_difference(model_name, keys) -%}
only_in_incremental as (

    select * from incremental_rows
    {{ dbt.except() }}
    select * from full_refresh_rows

),

only_in_full_refresh as (

    select * from full_refresh_rows
    {{ dbt.except() }}
    select * from incremental_rows

),

final as (

    select
        'only in {{ model_name }}' as difference,
        {{ keys | join(',\n        ') }}
    from only_in_incremental
    union all
    select
        'only in the full refresh' as difference,
        {{ keys | join(',\n        ') }}
    from only_in_full_refresh

)
{%- endmacro %}
