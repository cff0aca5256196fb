-- Channel dimension: where an appeal came from. ПОС (платформа обратной связи) is one channel;
-- Инцидент Менеджмент is split by social network (ВКонтакте, Одноклассники, Telegram), with
-- 'im_other' for a network the mapping in int_appeals__unioned does not know.

with

channels as (

    {% set channels = [
        ('pos', 'pos', 'ПОС', 'Платформа обратной связи (Госуслуги)', none, 1),
        ('im_vk', 'im', 'Инцидент Менеджмент', 'Инцидент Менеджмент: ВКонтакте', 'ВКонтакте', 2),
        ('im_ok', 'im', 'Инцидент Менеджмент', 'Инцидент Менеджмент: Одноклассники', 'Одноклассники', 3),
        ('im_telegram', 'im', 'Инцидент Менеджмент', 'Инцидент Менеджмент: Telegram', 'Telegram', 4),
        ('im_other', 'im', 'Инцидент Менеджмент', 'Инцидент Менеджмент: другая сеть', none, 5),
    ] %}
    {% for key, source, system, label, network, sort in channels %}
        select
            '{{ key }}' as channel_key,
            '{{ source }}' as appeal_source,
            '{{ system }}' as system_name,
            '{{ label }}' as channel_name,
            {{ "'" ~ network ~ "'" if network else 'cast(null as ' ~ type_varchar() ~ ')' }} as social_network,
            {{ sort }} as sort_order
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        -- keys
        channel_key,

        -- dimensions
        appeal_source,
        system_name,
        channel_name,
        social_network,
        sort_order

    from channels

)

select * from final
