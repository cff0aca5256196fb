-- The certification record as written by the Great Expectations step: one row per mart per
-- validation run. Renamed and typed only; the latest row per mart is chosen in the mart.

with

certifications as (

    select * from {{ source('quality', 'certifications') }}

),

final as (

    select
        -- keys
        validation_id,
        run_id,
        mart,
        suite,

        -- dimensions
        passed,
        failed_expectations,

        -- measures
        evaluated,
        failed,

        -- timestamps
        validated_at,
        data_as_of

    from certifications

)

select * from final
