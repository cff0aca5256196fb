-- Topic dimension: ПОС subcategories and Инцидент Менеджмент topics, each with its sector. Topics
-- without a sector (the reference maps them to 'undefined', or the reference lacks the topic) belong
-- to sector 'undefined' and have is_sector_defined = false; is_in_reference says whether the topic is
-- in the reference at all (a new topic seen only in the data). 'unknown' is the member for appeals
-- without a topic.

with

topics as (

    select * from {{ ref('int_topics__mapped') }}

),

final as (

    select
        -- keys
        topic_key,
        sector_code,

        -- dimensions
        appeal_source,
        source_topic_code,
        topic_name,
        topic_group,
        is_in_reference,
        is_sector_defined

    from topics

)

select * from final
