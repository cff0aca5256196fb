{#-
    Working time, set based.

    The calendar model (int_calendar__days, exposed as dim_date) gives every day its working window
    (work_start_second … lunch_start_second, lunch_end_second … work_end_second, in seconds after
    local midnight; a shortened pre-holiday day ends an hour earlier) and work_seconds_before: the
    working seconds of all earlier days of the calendar. The "working position" of a moment is then

        work_seconds_before(its local date) + working seconds of that day up to its local clock time

    and the working time between two moments is the difference of their positions: two equality
    joins to the calendar per row, no loop over days, fast for millions of rows. The reverse (a
    deadline N working seconds after a moment) is a range join on work_seconds_before, indexed.

    The engine-specific parts (time zone conversion, seconds between timestamps) are dispatched:
    PostgreSQL's `at time zone` and `extract(epoch …)`, Spark's from_utc_timestamp /
    to_utc_timestamp and microsecond differences (issue 16).
-#}

{#- "09:00" (a var) to seconds after midnight, at compile time. -#}
{% macro clock_to_seconds(clock) -%}
    {%- set parts = (clock | string).split(':') -%}
    {{- (parts[0] | int) * 3600 + (parts[1] | int) * 60 + ((parts[2] | int) if parts | length > 2 else 0) -}}
{%- endmacro %}

{#- A timestamptz as local wall-clock time of the sources (var source_timezone), a timestamp. -#}
{% macro to_source_local(ts) -%}
    {{ return(adapter.dispatch('to_source_local', 'cur_dwh')(ts)) }}
{%- endmacro %}

{% macro default__to_source_local(ts) -%}
    (({{ ts }}) at time zone '{{ var("source_timezone") }}')
{%- endmacro %}

{#-
    Spark's timestamp is an instant shown in the session time zone, UTC (core/spark.py): the local
    wall-clock time is the instant whose UTC reading is that clock time.
-#}
{% macro spark__to_source_local(ts) -%}
    from_utc_timestamp({{ ts }}, '{{ var("source_timezone") }}')
{%- endmacro %}

{#- A local wall-clock timestamp (without time zone) back to a timestamptz. -#}
{% macro from_source_local(local_ts) -%}
    {{ return(adapter.dispatch('from_source_local', 'cur_dwh')(local_ts)) }}
{%- endmacro %}

{% macro default__from_source_local(local_ts) -%}
    (({{ local_ts }}) at time zone '{{ var("source_timezone") }}')
{%- endmacro %}

{% macro spark__from_source_local(local_ts) -%}
    to_utc_timestamp({{ local_ts }}, '{{ var("source_timezone") }}')
{%- endmacro %}

{#- Seconds after local midnight of a local timestamp (fractions kept). -#}
{% macro seconds_of_day(local_ts) -%}
    {{ return(adapter.dispatch('seconds_of_day', 'cur_dwh')(local_ts)) }}
{%- endmacro %}

{% macro default__seconds_of_day(local_ts) -%}
    extract(epoch from ({{ local_ts }} - date_trunc('day', {{ local_ts }})))
{%- endmacro %}

{% macro spark__seconds_of_day(local_ts) -%}
    ((unix_micros({{ local_ts }}) - unix_micros(date_trunc('DD', {{ local_ts }}))) / 1000000.0)
{%- endmacro %}

{#- Calendar seconds from one timestamp to another (fractions kept; null if either is null). -#}
{% macro seconds_between(from_ts, to_ts) -%}
    {{ return(adapter.dispatch('seconds_between', 'cur_dwh')(from_ts, to_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(from_ts, to_ts) -%}
    extract(epoch from ({{ to_ts }} - {{ from_ts }}))
{%- endmacro %}

{% macro spark__seconds_between(from_ts, to_ts) -%}
    ((unix_micros({{ to_ts }}) - unix_micros({{ from_ts }})) / 1000000.0)
{%- endmacro %}

{#-
    Working seconds of a day up to a clock time: `clock_seconds` (seconds after midnight) clipped to
    the morning window and to the afternoon window of the calendar row `day`. 0 on a day off.
-#}
{% macro work_seconds_into_day(clock_seconds, day) -%}
    case
        when {{ day }}.is_working_day
            then
                greatest(
                    least({{ clock_seconds }}, {{ day }}.lunch_start_second) - {{ day }}.work_start_second, 0
                )
                + greatest(
                    least({{ clock_seconds }}, {{ day }}.work_end_second) - {{ day }}.lunch_end_second, 0
                )
        else 0
    end
{%- endmacro %}

{#- Working position (see above) of a local timestamp whose date is joined as calendar row `day`. -#}
{% macro work_position(local_ts, day) -%}
    ({{ day }}.work_seconds_before + {{ work_seconds_into_day(seconds_of_day(local_ts), day) }})
{%- endmacro %}

{#-
    Clock time (seconds after midnight) at which `offset_seconds` working seconds of the calendar row
    `day` have passed: in the morning window, or after lunch. An offset exactly at the end of the
    morning gives the start of lunch.
-#}
{% macro clock_at_work_offset(offset_seconds, day) -%}
    case
        when {{ offset_seconds }} <= {{ day }}.lunch_start_second - {{ day }}.work_start_second
            then {{ day }}.work_start_second + {{ offset_seconds }}
        else
            {{ day }}.lunch_end_second
            + {{ offset_seconds }} - ({{ day }}.lunch_start_second - {{ day }}.work_start_second)
    end
{%- endmacro %}
