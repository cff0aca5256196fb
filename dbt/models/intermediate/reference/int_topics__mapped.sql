-- Every topic an appeal can have, with its sector: ПОС subcategories (ref_pos_subjects, plus any
-- subcategory seen in the data and missing there) and Инцидент Менеджмент topics (ref_im_topic_sectors,
-- plus any topic seen in the data and missing there). A topic without a sector, or mapped to the
-- 'undefined' bucket, goes to sector 'undefined' (shown as «Не определено»), never dropped.
-- topic_key: 'pos-<subsubject id>' or 'im-<md5 of the topic name>'; 'unknown' when an appeal has none.

with

pos_subjects as (

    select * from {{ ref('ref_pos_subjects') }}

),

im_topic_sectors as (

    select * from {{ ref('ref_im_topic_sectors') }}

),

pos_appeals as (

    select * from {{ ref('stg_pos__appeals') }}

),

im_incidents as (

    select * from {{ ref('stg_im__incidents') }}

),

pos_seen as (

    select
        subsubject_id,
        max(subsubject_name) as subsubject_name,
        max(subject_id) as subject_id,
        max(subject_name) as subject_name
    from pos_appeals
    where subsubject_id is not null
    group by subsubject_id

),

pos_topics as (

    select
        'pos-'
        || cast(coalesce(pos_subjects.subsubject_id, pos_seen.subsubject_id) as {{ type_varchar() }}) as topic_key,
        'pos' as appeal_source,
        cast(coalesce(pos_subjects.subsubject_id, pos_seen.subsubject_id) as {{ type_varchar() }}) as source_topic_code,
        coalesce(pos_subjects.subsubject_name, pos_seen.subsubject_name) as topic_name,
        coalesce(pos_subjects.subject_name, pos_seen.subject_name) as topic_group,
        pos_subjects.sector_code as mapped_sector_code,
        pos_subjects.subsubject_id is not null as is_in_reference
    from pos_subjects
    full outer join pos_seen
        on pos_subjects.subsubject_id = pos_seen.subsubject_id

),

im_seen as (

    select
        topic,
        max(topic_group) as topic_group
    from im_incidents
    where nullif(trim(topic), '') is not null
    group by topic

),

im_topics as (

    select
        'im-' || {{ dbt.hash('coalesce(im_topic_sectors.topic, im_seen.topic)') }} as topic_key,
        'im' as appeal_source,
        cast(null as {{ type_varchar() }}) as source_topic_code,
        coalesce(im_topic_sectors.topic, im_seen.topic) as topic_name,
        coalesce(im_topic_sectors.topic_group, im_seen.topic_group) as topic_group,
        im_topic_sectors.sector_code as mapped_sector_code,
        im_topic_sectors.topic is not null as is_in_reference
    from im_topic_sectors
    full outer join im_seen
        on im_topic_sectors.topic = im_seen.topic

),

unknown_topic as (

    select
        'unknown' as topic_key,
        'unknown' as appeal_source,
        cast(null as {{ type_varchar() }}) as source_topic_code,
        'Тема не указана' as topic_name,
        cast(null as {{ type_varchar() }}) as topic_group,
        cast(null as {{ type_varchar() }}) as mapped_sector_code,
        false as is_in_reference

),

unioned as (

    select * from pos_topics
    union all
    select * from im_topics
    union all
    select * from unknown_topic

),

final as (

    select
        -- keys
        topic_key,
        coalesce(nullif(trim(mapped_sector_code), ''), 'undefined') as sector_code,

        -- dimensions
        appeal_source,
        source_topic_code,
        topic_name,
        topic_group,
        is_in_reference,
        coalesce(nullif(trim(mapped_sector_code), ''), 'undefined') <> 'undefined' as is_sector_defined

    from unioned

)

select * from final
