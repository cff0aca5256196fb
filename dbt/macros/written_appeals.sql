{#- The columns of stg_written__appeals that int_written__appeals keeps (shared with its equality test):
    everything the facts read, not the redacted summary. -#}
{% macro written_appeal_columns() -%}
appeal_id,
        registration_number,
        citizen_email_key,
        citizen_phone_key,
        batch_id,
        source_row,
        delivery_code,
        municipality_text,
        problem_address,
        rubric_code,
        executor_name,
        forwarded_to_name,
        result_code,
        export_count,
        registered_on,
        extended_on,
        forwarded_on,
        answered_on,
        updated_at
{%- endmacro %}
