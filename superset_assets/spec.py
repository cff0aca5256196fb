"""The dashboards as code: datasets (one per KPI mart), charts and dashboards.

``cur superset build`` renders this into Superset's export layout under
``superset_assets/bundle/`` (YAML linked by uuid). Everything a user reads is in Russian. To add a
dashboard: add its charts and a :class:`Dashboard` to ``DASHBOARDS``, run the build, commit the bundle
and ``dbt/models/exposures.yml`` (both generated from this file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- datasets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """One KPI mart shown in Superset. Its Russian name, column labels and metrics live in the
    mart's dbt YAML under ``config: meta: superset:`` (:mod:`superset_assets.dbt_docs`)."""

    mart: str
    main_dttm_col: str | None
    # Row-level security: the column naming the sector; None = the rows are not sector data.
    sector_column: str | None = "sector_code"


DATASETS: tuple[Dataset, ...] = (
    Dataset("kpi_appeals", "month_start"),
    Dataset("kpi_appeals_headline", "month_start", sector_column=None),
    Dataset("kpi_appeals_monthly", "month_start"),
    Dataset("kpi_authority_rating", "month_start"),
    Dataset("kpi_decision_discipline", "month_start"),
    Dataset("kpi_programme_achievement", None),
    Dataset("kpi_indicator_progress", "period_start"),
    Dataset("kpi_conflict_signals", "week_start"),
    Dataset("kpi_source_loads", "started_at", sector_column=None),
    Dataset("kpi_data_freshness", "last_loaded_at", sector_column=None),
    Dataset("kpi_certification_status", "validated_at", sector_column=None),
    Dataset("kpi_municipality_appeals", "month_start", sector_column=None),
    Dataset("kpi_overdue_appeals", "month_start"),
    Dataset("kpi_overdue_decisions", "month_start"),
    Dataset("kpi_written_appeals", "month_start"),
    Dataset("kpi_platform_messages", "month_start"),
    Dataset("kpi_appeals_all_channels", "month_start"),
    Dataset("kpi_satisfaction", "month_start"),
    Dataset("kpi_poll_results", "fieldwork_start", sector_column=None),
    Dataset("kpi_official_pages", None),
    Dataset("kpi_page_activity", "week_start"),
)

DATASET_BY_MART = {d.mart: d for d in DATASETS}


# --- charts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    mart: str
    viz: str
    params: dict[str, Any]
    width: int = 4
    height: int = 50
    description: str | None = None


def time_filter(column: str) -> dict[str, Any]:
    return {
        "clause": "WHERE",
        "subject": column,
        "operator": "TEMPORAL_RANGE",
        "comparator": "No filter",
        "expressionType": "SIMPLE",
    }


def equals(column: str, value: object) -> dict[str, Any]:
    return {"clause": "WHERE", "subject": column, "operator": "==", "comparator": value,
            "expressionType": "SIMPLE"}  # fmt: skip


def is_true(column: str) -> dict[str, Any]:
    return {"clause": "WHERE", "subject": column, "operator": "IS TRUE", "comparator": None,
            "expressionType": "SIMPLE"}  # fmt: skip


def is_in(column: str, values: list[str]) -> dict[str, Any]:
    return {"clause": "WHERE", "subject": column, "operator": "IN", "comparator": values,
            "expressionType": "SIMPLE"}  # fmt: skip


def _filters(mart: str, extra: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    dttm = DATASET_BY_MART[mart].main_dttm_col
    return ([time_filter(dttm)] if dttm else []) + list(extra or [])


def big_number(key: str, title: str, mart: str, metric: str, fmt: str, *,
               where: list[dict[str, Any]] | None = None, width: int = 3,
               subheader: str = "") -> Chart:  # fmt: skip
    return Chart(key, title, mart, "big_number_total", {
        "metric": metric,
        "adhoc_filters": _filters(mart, where),
        "header_font_size": 0.4,
        "subheader_font_size": 0.15,
        "subheader": subheader,
        "y_axis_format": fmt,
        "time_format": "smart_date",
    }, width=width)  # fmt: skip


def big_number_change(key: str, title: str, mart: str, metric: str, fmt: str, *,
                      where: list[dict[str, Any]] | None = None, width: int = 3) -> Chart:  # fmt: skip
    """The latest month's value with its change against the previous month and the monthly trend."""
    dttm = DATASET_BY_MART[mart].main_dttm_col
    assert dttm, mart
    return Chart(key, title, mart, "big_number", {
        "x_axis": dttm,
        "time_grain_sqla": "P1M",
        "metric": metric,
        "adhoc_filters": _filters(mart, where),
        "aggregation": "LAST_VALUE",
        "compare_lag": 1,
        "compare_suffix": "к пред. месяцу",
        "show_timestamp": True,
        "show_trend_line": True,
        "start_y_axis_at_zero": True,
        "header_font_size": 0.4,
        "subheader_font_size": 0.15,
        "y_axis_format": fmt,
        "time_format": "%m.%Y",
    }, width=width)  # fmt: skip


def trend(key: str, title: str, mart: str, metrics: list[str], fmt: str, *,
          groupby: list[str] | None = None, where: list[dict[str, Any]] | None = None,
          width: int = 6, grain: str = "P1M", bar: bool = False) -> Chart:  # fmt: skip
    dttm = DATASET_BY_MART[mart].main_dttm_col
    assert dttm, mart
    return Chart(key, title, mart, "echarts_timeseries_bar" if bar else "echarts_timeseries_line", {
        "x_axis": dttm,
        "time_grain_sqla": grain,
        "metrics": metrics,
        "groupby": groupby or [],
        "adhoc_filters": _filters(mart, where),
        "row_limit": 10000,
        "order_desc": True,
        "show_legend": True,
        "legendType": "scroll",
        "legendOrientation": "top",
        "x_axis_time_format": "%b %Y" if grain == "P1M" else "%d.%m.%Y",
        "y_axis_format": fmt,
        "rich_tooltip": True,
        "markerEnabled": True,
        "truncateYAxis": False,
        "comparison_type": "values",
    }, width=width)  # fmt: skip


# The authority rating's latest month, bodies with the minimum volume only (kpi_authority_rating.is_ranked)
LATEST_RANKED = [is_true("is_latest_month"), is_true("is_ranked")]


def ranking(key: str, title: str, mart: str, dimension: str, metrics: list[str], fmt: str, *,
            where: list[dict[str, Any]] | None = None, width: int = 6, limit: int = 25,
            stack: bool = False, weakest: bool = False) -> Chart:  # fmt: skip
    """A horizontal bar chart: the ``limit`` largest ``dimension`` values of the first metric (the
    query orders by it, descending), the largest at the top; ``weakest``: the ``limit`` smallest, the
    smallest at the top."""
    return Chart(key, title, mart, "echarts_timeseries_bar", {
        "x_axis": dimension,
        "metrics": metrics,
        "groupby": [],
        "adhoc_filters": _filters(mart, where),
        "orientation": "horizontal",
        "x_axis_sort": metrics[0],
        # horizontal bars are drawn bottom-up: ascending puts the largest on top, descending the smallest
        "x_axis_sort_asc": not weakest,
        "timeseries_limit_metric": metrics[0],
        "order_desc": not weakest,
        "row_limit": limit,
        "y_axis_format": fmt,
        "show_legend": len(metrics) > 1,
        "legendOrientation": "top",
        "stack": "Stack" if stack else None,
        "rich_tooltip": True,
        "truncateYAxis": False,
    }, width=width, height=60)  # fmt: skip


def table(key: str, title: str, mart: str, groupby: list[str], metrics: list[str], *,
          where: list[dict[str, Any]] | None = None, width: int = 12, sort_by: str | None = None,
          ascending: bool = False, limit: int = 1000) -> Chart:  # fmt: skip
    """An aggregated table: ``groupby`` rows with ``metrics``, sorted by ``sort_by`` (first metric)."""
    return Chart(key, title, mart, "table", {
        "query_mode": "aggregate",
        "groupby": groupby,
        "metrics": metrics,
        "all_columns": [],
        "percent_metrics": [],
        "timeseries_limit_metric": sort_by or metrics[0],
        "order_desc": not ascending,
        "adhoc_filters": _filters(mart, where),
        "row_limit": limit,
        "server_page_length": 10,
        "include_search": True,
        "show_cell_bars": True,
        "table_timestamp_format": "%d.%m.%Y",
    }, width=width, height=60)  # fmt: skip


def rows(key: str, title: str, mart: str, columns: list[str], order_by: str, *,
         where: list[dict[str, Any]] | None = None, width: int = 12, ascending: bool = False,
         limit: int = 1000, time_format: str = "%d.%m.%Y %H:%M") -> Chart:  # fmt: skip
    """A table of the mart's rows as they are."""
    return Chart(key, title, mart, "table", {
        "query_mode": "raw",
        "all_columns": columns,
        "groupby": [],
        "metrics": [],
        "percent_metrics": [],
        "order_by_cols": [f'["{order_by}", {"true" if ascending else "false"}]'],
        "adhoc_filters": _filters(mart, where),
        "row_limit": limit,
        "server_page_length": 10,
        "include_search": True,
        "table_timestamp_format": time_format,
    }, width=width, height=60)  # fmt: skip


def municipality_map(key: str) -> Chart:
    """A map-like chart of the 13 municipalities: each at its administrative centre (longitude ×
    latitude, WGS 84, dim_municipality), the bubble's area the period's appeals per 10 000 residents.
    No boundaries and no base map (none available offline): an honest schematic, not a choropleth."""
    return Chart(key, "Карта муниципалитетов: обращений на 10 000 жителей (по центрам)",
                 "kpi_municipality_appeals", "bubble_v2", {
        "entity": "municipality_name",
        "x": "centre_longitude",
        "y": "centre_latitude",
        "size": "appeals_per_10k_by_municipality",
        "adhoc_filters": _filters("kpi_municipality_appeals", [NOT_UNKNOWN_PLACE]),
        "row_limit": 50,
        "max_bubble_size": "50",
        "opacity": 0.6,
        "show_legend": False,
        "x_axis_label": "Долгота, °",
        "y_axis_label": "Широта, °",
        "x_axis_title_margin": 30,
        "y_axis_title_margin": 50,
        "x_axis_format": ".1f",
        "y_axis_format": ".1f",
        "tooltipSizeFormat": ",.1f",
        "truncateXAxis": True,
        "xAxisBounds": [89.5, 92.0],
        "truncateYAxis": True,
        "yAxisBounds": [52.5, 55.2],
    }, width=12, height=80, description=(
        "Кружок — муниципалитет в точке его административного центра; площадь — обращений на 10 000 "
        "жителей за выбранный период. Границ районов нет: схема, не карта-хороплет."
    ))  # fmt: skip


def status_chart(key: str, marts: list[str]) -> Chart:
    """The data's as-of date and whether each mart on the dashboard is certified."""
    return rows(
        key,
        "Статус данных: дата актуальности и сертификация",
        "kpi_certification_status",
        ["mart", "certification_label", "data_as_of", "validated_at", "suite", "failed_expectations"],
        "mart",
        where=[is_in("mart", marts)],
        ascending=True,
    )


# --- dashboards ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    name: str
    column: str
    mart: str
    kind: str = "select"  # "select" or "time"


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title: str
    description: str
    rows: tuple[tuple[Chart, ...], ...]
    filters: tuple[Filter, ...] = field(default_factory=tuple)
    # What the dashboard is for, in English: the description of its dbt exposure.
    purpose: str = ""
    # Markdown shown above the charts (a MARKDOWN component, not a chart), e.g. download links.
    notes: str = ""

    def charts(self) -> list[Chart]:
        return [c for row in self.rows for c in row]


PERIOD = "Период"
POS = equals("appeal_source", "pos")
NOT_UNKNOWN_PLACE = {"clause": "WHERE", "subject": "municipality_key", "operator": "!=",
                     "comparator": "unknown", "expressionType": "SIMPLE"}  # fmt: skip
IM = equals("appeal_source", "im")


# The leadership charts that slice appeals by month, sector and municipality read this small rollup of
# kpi_appeals (same metrics, same figures), not kpi_appeals' fine grain: issue 14, serving at scale.
MONTHLY = "kpi_appeals_monthly"


def _period(mart: str) -> Filter:
    return Filter(PERIOD, DATASET_BY_MART[mart].main_dttm_col or "", mart, "time")


LEADERSHIP = Dashboard(
    "leadership_overview",
    "Обзор для руководства",
    "Ключевые показатели ЦУР: последний месяц против предыдущего, цели, просроченные обращения и поручения"
    " с ответственными, муниципалитеты на 10 000 жителей, сильнейшие и слабейшие органы власти.",
    (
        (
            big_number_change("lead_pos_on_time", "ПОС: доля ответов в срок (цель 100 %)", MONTHLY,
                              "share_on_time", ".1%", where=[POS], width=2),
            big_number_change("lead_pos_rated", "ПОС: доля оценок 4–5 (цель 60 %)", MONTHLY,
                              "share_rated_4_5", ".1%", where=[POS], width=2),
            big_number_change("lead_im_on_time", "Инцидент Менеджмент: первый ответ в срок",
                              MONTHLY, "share_on_time", ".1%", where=[IM], width=2),
            big_number_change("lead_appeals_total", "Обращений за месяц", MONTHLY, "appeals",
                              ",d", width=2),
            big_number("lead_overdue_appeals_now", "Открытых просроченных обращений",
                       "kpi_overdue_appeals", "overdue_appeals", ",d", width=2,
                       subheader="список — ниже"),
            big_number("lead_overdue_decisions_now", "Просроченных поручений", "kpi_overdue_decisions",
                       "overdue_decisions", ",d", width=2, subheader="список — ниже"),
        ),
        (
            trend("lead_on_time_trend", "ПОС: доля ответов в срок и цель по месяцам",
                  "kpi_appeals_headline", ["share_on_time", "on_time_target"], ".0%", where=[POS]),
            trend("lead_rating_trend", "ПОС: доля оценок 4–5 и цель по месяцам",
                  "kpi_appeals_headline", ["share_rated_4_5", "rating_target"], ".0%", where=[POS]),
        ),
        (
            trend("lead_appeals_trend", "Обращения по месяцам и источникам", "kpi_appeals_headline",
                  ["appeals"], ",d", groupby=["appeal_source_name"], bar=True),
            trend("lead_overdue_trend", "Открытые просроченные обращения", "kpi_appeals_headline",
                  ["open_overdue"], ",d", groupby=["appeal_source_name"]),
        ),
        (
            ranking("lead_municipality_rank", "Муниципалитеты: доля ответов в срок (все, лучшие сверху)",
                    MONTHLY, "municipality_name", ["share_on_time"], ".0%"),
            ranking("lead_municipality_rate", "Муниципалитеты: обращений на 10 000 жителей",
                    "kpi_municipality_appeals", "municipality_name", ["appeals_per_10k_by_municipality"],
                    ",.1f", where=[NOT_UNKNOWN_PLACE]),
        ),
        (municipality_map("lead_municipality_map"),),
        (
            rows("lead_overdue_appeals", "Просроченные обращения: ответственный орган и дни просрочки",
                 "kpi_overdue_appeals", ["appeal_number", "appeal_source_name", "organisation_name",
                 "sector_name", "municipality_name", "topic_name", "created_date", "deadline_date",
                 "days_overdue"], "days_overdue", time_format="%d.%m.%Y"),
        ),
        (
            rows("lead_overdue_decisions", "Просроченные поручения: рег. №, исполнитель, дни просрочки",
                 "kpi_overdue_decisions", ["registration_number", "document_kind", "organisation_name",
                 "executor_name", "resolution_date", "effective_due_date", "days_overdue"],
                 "days_overdue", time_format="%d.%m.%Y"),
        ),
        (
            ranking("lead_authority_rank", "Органы власти: 20 лучших (последний месяц рейтинга)",
                    "kpi_authority_rating", "organisation_name", ["composite_score"], ",.1f", limit=20,
                    where=LATEST_RANKED),
            ranking("lead_authority_weakest", "Органы власти: 20 слабейших (последний месяц рейтинга)",
                    "kpi_authority_rating", "organisation_name", ["composite_score"], ",.1f", limit=20,
                    where=LATEST_RANKED, weakest=True),
        ),
        (
            table("lead_authority_weakest_list", "Слабейшие органы: доли в последнем месяце",
                  "kpi_authority_rating", ["organisation_name", "organisation_kind"],
                  ["composite_score", "share_on_time", "share_rated_4_5", "share_decisions_on_time",
                   "open_overdue"], where=LATEST_RANKED, ascending=True, limit=20, width=12),
        ),
        (status_chart("lead_status", ["kpi_appeals_headline", MONTHLY, "kpi_authority_rating",
                                      "kpi_municipality_appeals", "kpi_overdue_appeals",
                                      "kpi_overdue_decisions"]),),
    ),
    (
        _period("kpi_appeals_headline"),
        Filter("Отрасль", "sector_name", MONTHLY),
        Filter("Муниципалитет", "municipality_name", MONTHLY),
    ),
    purpose=(
        "Headline KPIs for the Head of the Republic and the ЦУР head: the latest month against the "
        "previous one for appeals answered on time and ratings 4–5 (targets in the trends), the open "
        "overdue appeals and поручения with who is responsible, municipalities per 10 000 residents, "
        "and the strongest and weakest bodies of the authority rating."
    ),
    # Served by Superset itself (superset_config.py, blueprint cur_briefing): leadership and admins only.
    notes=(
        "**Брифинг к совещанию у Главы** (последняя неделя): "
        "[скачать PDF](/cur/briefing/latest.pdf) · [скачать XLSX](/cur/briefing/latest.xlsx)"
    ),
)  # fmt: skip

# Written appeals (59-ФЗ), the regional platform and all channels together (issue 11, items 1 and 3).
CHANNEL_MARTS = ["kpi_written_appeals", "kpi_platform_messages", "kpi_appeals_all_channels"]
CHANNEL_ROWS: tuple[tuple[Chart, ...], ...] = (
    (
        trend("all_channels_trend", "Все каналы: обращения по месяцам", "kpi_appeals_all_channels",
              ["all_channel_appeals"], ",d", groupby=["channel_name"], bar=True, width=8),
        ranking("all_channels_unique", "Уникальные проблемы по отраслям (все каналы)",
                "kpi_appeals_all_channels", "sector_name", ["unique_problems", "all_channel_appeals"], ",d",
                width=4),
    ),
    (
        big_number("written_total", "Письменных обращений", "kpi_written_appeals", "written_appeals", ",d"),
        big_number("written_on_time", "Письменные: ответ в срок (30/60 дней)", "kpi_written_appeals",
                   "written_share_on_time", ".1%"),
        big_number("written_forwarded", "Письменные: перенаправлено в 7 дней", "kpi_written_appeals",
                   "written_share_forwarded_on_time", ".1%"),
        big_number("written_overdue", "Письменные: открытых просроченных", "kpi_written_appeals",
                   "written_open_overdue", ",d"),
    ),
    (
        table("written_slices", "Письменные обращения: отрасль, раздел классификатора, орган, муниципалитет",
              "kpi_written_appeals",
              ["sector_name", "topic_section_name", "organisation_name", "municipality_name"],
              ["written_appeals", "written_share_on_time", "written_extended",
               "written_share_forwarded_on_time", "written_open_overdue"], width=8),
        ranking("written_results", "Результаты рассмотрения письменных обращений", "kpi_written_appeals",
                "sector_name", ["written_explained", "written_measures_taken", "written_supported",
                                "written_not_supported", "written_left_unanswered"],
                ",d", width=4, stack=True),
    ),
    (
        big_number("platform_total", "Платформа региона: сообщений и инициатив", "kpi_platform_messages",
                   "platform_items", ",d"),
        big_number("platform_match", "Переданные в ПОС: найдено обращение ПОС", "kpi_platform_messages",
                   "platform_match_rate", ".1%", subheader="учтены один раз — в ПОС"),
        ranking("platform_statuses", "Платформа региона: статусы", "kpi_platform_messages", "status_name",
                ["platform_items"], ",d", width=6),
    ),
)  # fmt: skip

APPEALS = Dashboard(
    "appeals_analysis",
    "Анализ обращений",
    "Обращения граждан по всем каналам (ПОС, Инцидент Менеджмент, письменные по 59-ФЗ, платформа региона) "
    "в разрезах: отрасль, муниципалитет, орган, канал, тема.",
    (
        (
            big_number("app_total", "Обращений", "kpi_appeals", "appeals", ",d"),
            big_number("app_on_time", "Доля ответов в срок", "kpi_appeals", "share_on_time", ".1%"),
            big_number("app_rated", "Доля оценок 4–5", "kpi_appeals", "share_rated_4_5", ".1%"),
            big_number("app_repeat", "Доля повторных", "kpi_appeals", "share_repeat", ".1%"),
        ),
        (
            trend("app_trend", "Обращения по месяцам и отраслям", "kpi_appeals", ["appeals"], ",d",
                  groupby=["sector_name"], bar=True, width=8),
            ranking("app_channels", "Обращения по каналам", "kpi_appeals", "channel_name",
                    ["appeals"], ",d", width=4),
        ),
        (
            ranking("app_sectors", "Отрасли: обращения и просроченные", "kpi_appeals", "sector_name",
                    ["appeals", "open_overdue"], ",d"),
            ranking("app_topics", "Топ-15 тем обращений", "kpi_appeals", "topic_name", ["appeals"],
                    ",d", limit=15),
        ),
        (
            table("app_slices", "Обращения в разрезах: муниципалитет, орган, отрасль", "kpi_appeals",
                  ["municipality_name", "organisation_name", "sector_name"],
                  ["appeals", "share_on_time", "share_rated_4_5", "share_repeat", "open_overdue"]),
        ),
        (
            trend("app_conflict", "Сигналы конфликтности: обращения по неделям", "kpi_conflict_signals",
                  ["appeals", "baseline"], ",d", grain="P1W"),
            rows("app_spikes", "Всплески обращений (z-оценка выше порога)", "kpi_conflict_signals",
                 ["week_start", "sector_name", "municipality_name", "appeals_count", "baseline_mean",
                  "z_score"], "z_score", where=[is_true("is_spike")], width=6),
        ),
        *CHANNEL_ROWS,
        (status_chart("app_status", ["kpi_appeals", "kpi_conflict_signals", *CHANNEL_MARTS]),),
    ),
    (
        _period("kpi_appeals"),
        Filter("Отрасль", "sector_name", "kpi_appeals"),
        Filter("Муниципалитет", "municipality_name", "kpi_appeals"),
        Filter("Орган власти", "organisation_name", "kpi_appeals"),
        Filter("Канал", "channel_name", "kpi_appeals"),
        Filter("Тема", "topic_name", "kpi_appeals"),
        Filter("Источник", "appeal_source_name", "kpi_appeals"),
    ),
    purpose=(
        "Appeals in configurable slices (month, source, sector, municipality, organisation, channel, "
        "topic): on-time shares, response times, ratings, repeats, moderation rejections; conflict "
        "signals (weekly spikes per sector and municipality)."
    ),
)  # fmt: skip

RATING = Dashboard(
    "authority_rating",
    "Рейтинг органов власти",
    "Интегральный рейтинг ОИВ и ОМСУ: ответы в срок, оценки заявителей, исполнение поручений, просрочка.",
    (
        (
            table("rating_oiv", "Рейтинг ОИВ", "kpi_authority_rating", ["organisation_name", "sector_name"],
                  ["composite_score", "share_on_time", "share_rated_4_5", "share_decisions_on_time",
                   "open_overdue"], where=[equals("organisation_kind", "ОИВ")], width=6),
            table("rating_omsu", "Рейтинг ОМСУ", "kpi_authority_rating",
                  ["organisation_name", "municipality_name"],
                  ["composite_score", "share_on_time", "share_rated_4_5", "share_decisions_on_time",
                   "open_overdue"], where=[equals("organisation_kind", "ОМСУ")], width=6),
        ),
        (
            ranking("rating_bar", "Интегральный балл органов власти", "kpi_authority_rating",
                    "organisation_name", ["composite_score"], ",.1f", width=6, limit=40),
            trend("rating_trend", "Интегральный балл по типам органов", "kpi_authority_rating",
                  ["composite_score"], ",.1f", groupby=["organisation_kind"]),
        ),
        (status_chart("rating_status", ["kpi_authority_rating"]),),
    ),
    (
        _period("kpi_authority_rating"),
        Filter("Тип органа", "organisation_kind", "kpi_authority_rating"),
        Filter("Отрасль", "sector_name", "kpi_authority_rating"),
        Filter("Муниципалитет", "municipality_name", "kpi_authority_rating"),
        Filter("Орган власти", "organisation_name", "kpi_authority_rating"),
    ),
    purpose=(
        "Composite rating of ОИВ, ОМСУ and РСО per month for the Governor's assessment, with its "
        "component scores and the rank within each kind of body."
    ),
)  # fmt: skip

DECISIONS = Dashboard(
    "decisions_control",
    "Контроль исполнения поручений",
    "Поручения из СЭД «Дело»: исполнено в срок, с нарушением срока, просрочено — по исполнителям.",
    (
        (
            big_number("dec_total", "Поручений со сроком в периоде", "kpi_decision_discipline",
                       "decisions", ",d"),
            big_number("dec_share", "Доля исполненных в срок", "kpi_decision_discipline",
                       "share_executed_on_time", ".1%"),
            big_number("dec_overdue", "Просрочено", "kpi_decision_discipline", "overdue", ",d"),
            big_number("dec_late", "Среднее опоздание, дней", "kpi_decision_discipline",
                       "days_late_mean", ",.1f"),
        ),
        (
            trend("dec_trend", "Исполнение поручений по месяцам", "kpi_decision_discipline",
                  ["executed_on_time", "executed_late", "overdue"], ",d", bar=True),
            ranking("dec_overdue_rank", "Исполнители: просроченные поручения",
                    "kpi_decision_discipline", "organisation_name", ["overdue", "executed_late"], ",d",
                    stack=True),
        ),
        (
            table("dec_table", "Исполнители поручений", "kpi_decision_discipline",
                  ["organisation_name", "organisation_kind", "sector_name"],
                  ["decisions", "executed_on_time", "executed_late", "overdue", "extended",
                   "share_executed_on_time"], sort_by="overdue"),
        ),
        (
            rows("dec_overdue_list", "Просроченные поручения (список)", "kpi_overdue_decisions",
                 ["registration_number", "document_kind", "organisation_name", "organisation_kind",
                  "sector_name", "executor_name", "resolution_date", "effective_due_date", "is_extended",
                  "days_overdue"], "days_overdue", time_format="%d.%m.%Y"),
        ),
        (status_chart("dec_status", ["kpi_decision_discipline", "kpi_overdue_decisions"]),),
    ),
    (
        _period("kpi_decision_discipline"),
        Filter("Отрасль", "sector_name", "kpi_decision_discipline"),
        Filter("Тип органа", "organisation_kind", "kpi_decision_discipline"),
        Filter("Орган власти", "organisation_name", "kpi_decision_discipline"),
    ),
    purpose=(
        "Execution discipline of «Дело» поручения per executor and month: on time, late, overdue, not "
        "yet due, removed, extended."
    ),
)  # fmt: skip

PROGRAMMES = Dashboard(
    "programme_targets",
    "Целевые показатели программ",
    "Государственные программы: план и факт целевых показателей, степень достижения, прогноз на конец года.",
    (
        (
            big_number("prog_indicators", "Целевых показателей", "kpi_programme_achievement",
                       "indicators", ",d"),
            big_number("prog_degree", "Степень достижения", "kpi_programme_achievement",
                       "achievement_degree", ".1%"),
            big_number("prog_forecast", "Прогноз на конец года", "kpi_programme_achievement",
                       "forecast_degree", ".1%"),
            big_number("prog_risk", "Показателей под риском", "kpi_programme_achievement", "at_risk",
                       ",d"),
        ),
        (
            ranking("prog_bands", "Программы: показатели по степени достижения",
                    "kpi_programme_achievement", "programme_name",
                    ["band_high", "band_medium", "band_low"], ",d", stack=True, width=12),
        ),
        (
            table("prog_table", "Программы: достижение и прогноз", "kpi_programme_achievement",
                  ["year", "ministry", "programme_name"],
                  ["indicators", "achievement_degree", "forecast_degree", "at_risk"]),
        ),
        (
            rows("prog_plan_fact", "Показатели: план, факт, прогноз", "kpi_indicator_progress",
                 ["indicator_name", "programme_name", "okei_name", "period_start", "period_end",
                  "plan_value", "fact_value", "forecast_value", "achievement_degree",
                  "achievement_band", "forecast_degree"], "achievement_degree", ascending=True,
                 time_format="%d.%m.%Y"),
        ),
        (
            trend("prog_degree_trend", "Средняя степень достижения по периодам", "kpi_indicator_progress",
                  ["achievement_degree", "forecast_degree"], ".0%", grain="P1M", width=12),
        ),
        (status_chart("prog_status", ["kpi_programme_achievement", "kpi_indicator_progress"]),),
    ),
    (
        Filter("Год", "year", "kpi_programme_achievement"),
        Filter("Отрасль", "sector_name", "kpi_programme_achievement"),
        Filter("Министерство", "ministry", "kpi_programme_achievement"),
        Filter("Государственная программа", "programme_name", "kpi_programme_achievement"),
    ),
    purpose=(
        "State programme target indicators: achievement per ministry and programme with a year-end "
        "forecast and the indicators at risk, and each indicator's plan, fact and forecast by period."
    ),
)  # fmt: skip

QUALITY = Dashboard(
    "data_quality",
    "Качество и свежесть данных",
    "Последние загрузки источников, карантин, дата актуальности данных и статус проверок Great Expectations.",
    (
        (
            big_number("dq_certified", "Сертифицировано витрин", "kpi_certification_status",
                       "certified", ",d", subheader="по последней проверке"),
            big_number("dq_quarantined", "Строк в карантине", "kpi_source_loads", "rows_quarantined",
                       ",d"),
            big_number("dq_failed", "Отклонённых и сбойных пакетов", "kpi_source_loads",
                       "failed_batches", ",d"),
            big_number("dq_share", "Доля строк в карантине", "kpi_source_loads", "share_quarantined",
                       ".2%"),
        ),
        (
            rows("dq_freshness", "Свежесть данных по источникам", "kpi_data_freshness",
                 ["source_name", "last_loaded_at", "data_as_of", "batches_count", "rows_loaded",
                  "rows_quarantined"], "source_name", ascending=True, width=6),
            rows("dq_certification", "Проверки витрин (Great Expectations)", "kpi_certification_status",
                 ["mart", "certification_label", "suite", "validated_at", "data_as_of",
                  "failed_expectations"], "mart", ascending=True, width=6),
        ),
        (
            ranking("dq_rows", "Строки по источникам: загружено и в карантине", "kpi_source_loads",
                    "source_name", ["rows_loaded", "rows_quarantined"], ",d", stack=True),
            trend("dq_loads_trend", "Загрузки по дням", "kpi_source_loads",
                  ["rows_loaded", "rows_quarantined"], ",d", grain="P1D", bar=True),
        ),
        (
            rows("dq_loads", "Последние загрузки", "kpi_source_loads",
                 ["batch_id", "source_name", "file_name", "status", "started_at", "finished_at",
                  "rows_read", "rows_loaded", "rows_quarantined"], "batch_id", limit=200),
        ),
    ),
    (
        _period("kpi_source_loads"),
        Filter("Источник", "source_name", "kpi_source_loads"),
    ),
    purpose=(
        "Landing file loads with their quarantined rows, and the freshness of every source (last "
        "load, latest business date)."
    ),
)  # fmt: skip

SATISFACTION = Dashboard(
    "satisfaction_polls",
    "Удовлетворённость и опросы",
    "Оценки заявителей по ответам (опрос ПОС и Инцидент Менеджмент) по органам, отраслям и месяцам; "
    "результаты социологических опросов: взвешенные доли с погрешностью.",
    (
        (
            big_number("sat_rated", "Оценок ответов", "kpi_satisfaction", "sat_rated", ",d"),
            big_number("sat_average", "Средняя оценка", "kpi_satisfaction", "sat_average", ",.2f"),
            big_number("sat_good", "Доля оценок 4–5", "kpi_satisfaction", "sat_share_4_5", ".1%",
                       subheader="цель — 60 %"),
            big_number("sat_bad", "Доля оценок 1–2", "kpi_satisfaction", "sat_share_1_2", ".1%"),
        ),
        (
            trend("sat_trend", "Доля оценок 4–5 по месяцам и цель", "kpi_satisfaction",
                  ["sat_share_4_5", "sat_target"], ".0%", width=6),
            ranking("sat_sectors", "Доля оценок 4–5 по отраслям", "kpi_satisfaction", "sector_name",
                    ["sat_share_4_5"], ".0%", weakest=True, width=6),
        ),
        (
            table("sat_bodies", "Удовлетворённость по органам власти", "kpi_satisfaction",
                  ["organisation_name", "organisation_kind", "sector_name"],
                  ["sat_rated", "sat_average", "sat_share_4_5", "sat_share_1_2", "sat_share_rated"],
                  sort_by="sat_rated"),
        ),
        (
            table("poll_results", "Результаты опросов: доли с погрешностью (95 %)", "kpi_poll_results",
                  ["poll_title", "question_text", "option_text", "is_reliable"],
                  ["poll_share", "poll_margin", "poll_share_low", "poll_share_high",
                   "poll_effective_base", "poll_respondents"], sort_by="poll_share"),
        ),
        (
            ranking("poll_options", "Ответы на вопросы опросов (взвешенные доли)", "kpi_poll_results",
                    "option_text", ["poll_share"], ".0%", width=6, limit=30),
            big_number("poll_count", "Проведено опросов", "kpi_poll_results", "poll_count", ",d",
                       width=6, subheader="за выбранный период"),
        ),
        (status_chart("sat_status", ["kpi_satisfaction", "kpi_poll_results"]),),
    ),
    (
        _period("kpi_satisfaction"),
        Filter("Отрасль", "sector_name", "kpi_satisfaction"),
        Filter("Орган власти", "organisation_name", "kpi_satisfaction"),
        Filter("Тип органа", "organisation_kind", "kpi_satisfaction"),
        Filter("Опрос", "poll_title", "kpi_poll_results"),
        Filter("Вопрос", "question_text", "kpi_poll_results"),
    ),
    purpose=(
        "Applicants' satisfaction with the answers (response-survey ratings) by body, sector and "
        "month against the 60 % target, and sociological poll results as weighted shares with their "
        "95 % margin of error."
    ),
)  # fmt: skip


def is_false(column: str) -> dict[str, Any]:
    return {"clause": "WHERE", "subject": column, "operator": "IS FALSE", "comparator": None,
            "expressionType": "SIMPLE"}  # fmt: skip


PAGES = Dashboard(
    "official_pages",
    "Официальные страницы органов власти",
    "Госпаблики органов власти во «ВКонтакте» и «Одноклассниках»: органы без страниц, молчащие страницы, "
    "ответы на комментарии жителей.",
    (
        (
            big_number("op_without", "Органов без страницы", "kpi_official_pages",
                       "op_bodies_without_page", ",d", subheader="ОИВ и ОМСУ"),
            big_number("op_silent", "Молчащих страниц", "kpi_official_pages", "op_silent", ",d",
                       subheader="нет публикаций дольше 14 дней"),
            big_number("op_unverified", "Страниц без госметки", "kpi_official_pages", "op_unverified",
                       ",d"),
            big_number("op_answered", "Доля комментариев с ответом", "kpi_official_pages",
                       "op_share_answered", ".1%"),
        ),
        (
            rows("op_no_page", "Органы без официальной страницы", "kpi_official_pages",
                 ["organisation_name", "organisation_kind", "network_name", "has_any_page"],
                 "organisation_name", where=[is_false("has_page")], ascending=True, width=6),
            rows("op_silent_list", "Молчащие страницы", "kpi_official_pages",
                 ["organisation_name", "network_name", "page_url", "last_post_on", "days_since_last_post",
                  "as_of_date"], "days_since_last_post", where=[is_true("is_silent")], width=6,
                 time_format="%d.%m.%Y"),
        ),
        (
            table("op_bodies", "Ответы на комментарии жителей по органам", "kpi_official_pages",
                  ["organisation_name", "sector_name"],
                  ["op_share_answered", "op_comments", "op_pages", "op_followers"],
                  where=[is_true("has_page")], sort_by="op_comments", width=6),
            ranking("op_sectors", "Доля комментариев с ответом по отраслям", "kpi_official_pages",
                    "sector_name", ["op_share_answered"], ".0%", weakest=True, width=6),
        ),
        (
            trend("op_weekly", "Комментарии жителей и ответы по неделям", "kpi_page_activity",
                  ["pg_comments", "pg_answered"], ",d", grain="P1W", bar=True, width=6),
            trend("op_posts", "Публикации по неделям и соцсетям", "kpi_page_activity", ["pg_posts"],
                  ",d", groupby=["network_name"], grain="P1W", width=6),
        ),
        (status_chart("op_status", ["kpi_official_pages", "kpi_page_activity"]),),
    ),
    (
        _period("kpi_page_activity"),
        Filter("Отрасль", "sector_name", "kpi_official_pages"),
        Filter("Тип органа", "organisation_kind", "kpi_official_pages"),
        Filter("Соцсеть", "network_name", "kpi_official_pages"),
        Filter("Орган власти", "organisation_name", "kpi_official_pages"),
    ),
    purpose=(
        "Official pages of the bodies in social networks (270-ФЗ): obliged bodies without a page, "
        "pages silent for more than pages_silent_days days before the data's as-of date, unverified "
        "pages, and the share of residents' comments answered per body and sector."
    ),
)  # fmt: skip

DASHBOARDS: tuple[Dashboard, ...] = (
    LEADERSHIP,
    APPEALS,
    RATING,
    DECISIONS,
    PROGRAMMES,
    QUALITY,
    SATISFACTION,
    PAGES,
)
