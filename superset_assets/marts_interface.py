"""The columns of the KPI marts as agreed between the work streams (``coord/INTERFACE.md``).

The bundle's datasets take their columns, types and descriptions from the dbt models
(``dbt/models/marts/**/<mart>.yml``, see :mod:`superset_assets.dbt_docs`). This list is only the
fallback for a mart whose dbt YAML is not in the checkout yet, and the source of the Russian labels.
"""

from __future__ import annotations

INTERFACE_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpi_appeals": (
        "month_start", "appeal_source", "appeal_source_name", "sector_code", "sector_name",
        "municipality_key", "municipality_name", "organisation_key", "organisation_name",
        "organisation_kind", "channel_key", "channel_name", "topic_key", "topic_name",
        "appeals_count", "answered_count", "answered_on_time_count", "share_answered_on_time",
        "answered_on_time_work_count", "share_answered_on_time_work", "first_response_hours_sum",
        "first_response_hours_mean", "first_response_hours_median", "first_response_work_hours_sum",
        "first_response_work_hours_mean", "first_response_work_hours_median", "rated_count",
        "rated_4_5_count", "share_rated_4_5", "rating_target_share", "repeat_count", "share_repeat",
        "moderated_count", "rejected_count", "share_rejected", "open_overdue_count",
    ),
    "kpi_appeals_headline": (
        "month_start", "appeal_source", "appeal_source_name", "appeals_count", "answered_count",
        "answered_on_time_count", "share_answered_on_time", "on_time_target_share",
        "first_response_hours_median", "first_response_work_hours_median", "rated_count",
        "rated_4_5_count", "share_rated_4_5", "rating_target_share", "meets_rating_target",
        "repeat_count", "share_repeat", "rejected_count", "moderated_count", "share_rejected",
        "open_overdue_count",
    ),
    "kpi_authority_rating": (
        "month_start", "organisation_key", "organisation_name", "organisation_kind", "sector_code",
        "sector_name", "municipality_key", "municipality_name", "appeals_count",
        "share_answered_on_time", "share_rated_4_5", "decisions_due_count", "share_decisions_on_time",
        "open_overdue_count", "score_on_time", "score_rating", "score_decisions", "score_overdue",
        "composite_score", "rank_in_kind",
    ),
    "kpi_decision_discipline": (
        "month_start", "organisation_key", "organisation_name", "organisation_kind", "sector_code",
        "sector_name", "decisions_count", "executed_on_time_count", "executed_late_count",
        "overdue_count", "not_due_count", "removed_count", "extended_count", "share_executed_on_time",
        "share_overdue", "days_late_mean",
    ),
    "kpi_programme_achievement": (
        "year", "ministry", "programme_key", "programme_name", "sector_code", "sector_name",
        "indicators_count", "band_high_count", "band_medium_count", "band_low_count",
        "achievement_degree_mean", "forecast_degree_mean", "indicators_at_risk_count",
    ),
    "kpi_indicator_progress": (
        "indicator_code", "indicator_name", "programme_key", "programme_name", "ministry",
        "sector_code", "sector_name", "okei_name", "direction", "period_type", "period_start",
        "period_end", "year", "plan_value", "fact_value", "forecast_value", "achievement_degree",
        "achievement_band", "forecast_degree", "submitted_at",
    ),
    "kpi_conflict_signals": (
        "week_start", "sector_code", "sector_name", "municipality_key", "municipality_name",
        "appeals_count", "baseline_mean", "baseline_stddev", "z_score", "is_spike",
    ),
    "kpi_source_loads": (
        "batch_id", "source", "source_name", "file_name", "status", "started_at", "finished_at",
        "rows_read", "rows_loaded", "rows_quarantined", "share_quarantined",
    ),
    "kpi_data_freshness": (
        "source", "source_name", "batches_count", "last_loaded_at", "data_as_of", "rows_loaded",
        "rows_quarantined",
    ),
    "kpi_certification_status": (
        "mart", "suite", "is_certified", "certification_label", "validated_at", "failed_expectations",
        "data_as_of", "run_id",
    ),
}  # fmt: skip

_INTEGER_COLUMNS = {"rank_in_kind", "year", "batch_id", "rows_read", "rows_loaded", "rows_quarantined"}
_NUMERIC_PREFIXES = ("share_", "score_", "baseline_")
_NUMERIC_SUFFIXES = ("_mean", "_median", "_sum", "_value", "_degree", "_share", "_score")


def guess_type(column: str) -> str:
    """A SQL type for a column named by the interface's conventions (used only without dbt YAML)."""
    if column in _INTEGER_COLUMNS or column.endswith("_count"):
        return "BIGINT" if column == "batch_id" else "INTEGER"
    if column.startswith(("is_", "meets_")):
        return "BOOLEAN"
    if column.endswith("_at"):
        return "TIMESTAMP WITH TIME ZONE"
    if column in {"month_start", "week_start", "period_start", "period_end", "data_as_of"}:
        return "DATE"
    if column.startswith(_NUMERIC_PREFIXES) or column.endswith(_NUMERIC_SUFFIXES) or column == "z_score":
        return "NUMERIC"
    return "TEXT"


# What a Russian user reads: the label of every column the datasets expose.
LABELS: dict[str, str] = {
    "month_start": "Месяц",
    "week_start": "Неделя",
    "appeal_source": "Код источника",
    "appeal_source_name": "Источник обращений",
    "sector_code": "Код отрасли",
    "sector_name": "Отрасль",
    "municipality_key": "Код муниципалитета (ОКТМО)",
    "municipality_name": "Муниципалитет",
    "organisation_key": "Код органа",
    "organisation_name": "Орган власти",
    "organisation_kind": "Тип органа",
    "channel_key": "Код канала",
    "channel_name": "Канал",
    "topic_key": "Код темы",
    "topic_name": "Тема",
    "appeals_count": "Обращений",
    "answered_count": "Отвечено",
    "answered_on_time_count": "Отвечено в срок",
    "share_answered_on_time": "Доля ответов в срок",
    "answered_on_time_work_count": "Отвечено в срок (рабочие часы)",
    "share_answered_on_time_work": "Доля ответов в срок (рабочие часы)",
    "first_response_hours_sum": "Время первого ответа, ч (сумма)",
    "first_response_hours_mean": "Время первого ответа, ч (среднее)",
    "first_response_hours_median": "Время первого ответа, ч (медиана)",
    "first_response_work_hours_sum": "Время первого ответа, раб. ч (сумма)",
    "first_response_work_hours_mean": "Время первого ответа, раб. ч (среднее)",
    "first_response_work_hours_median": "Время первого ответа, раб. ч (медиана)",
    "rated_count": "Оценено заявителями",
    "rated_4_5_count": "Оценок 4–5",
    "share_rated_4_5": "Доля оценок 4–5",
    "rating_target_share": "Целевая доля оценок 4–5",
    "on_time_target_share": "Целевая доля ответов в срок",
    "meets_rating_target": "Цель по оценкам достигнута",
    "repeat_count": "Повторных обращений",
    "share_repeat": "Доля повторных обращений",
    "moderated_count": "Прошло модерацию",
    "rejected_count": "Отклонено на модерации",
    "share_rejected": "Доля отклонённых",
    "open_overdue_count": "Открытых просроченных",
    "decisions_due_count": "Поручений со сроком в периоде",
    "share_decisions_on_time": "Доля поручений, исполненных в срок",
    "score_on_time": "Балл: ответы в срок",
    "score_rating": "Балл: оценки заявителей",
    "score_decisions": "Балл: исполнение поручений",
    "score_overdue": "Балл: просроченные обращения",
    "composite_score": "Интегральный балл (0–100)",
    "rank_in_kind": "Место среди органов своего типа",
    "decisions_on_time_count": "Поручений исполнено в срок",
    "assessed_volume": "Оценено случаев (обращения + поручения)",
    "is_ranked": "Участвует в рейтинге",
    "rank_in_kind_from_bottom": "Место с конца среди органов своего типа",
    "is_latest_month": "Последний месяц рейтинга",
    "latest_rank_in_kind": "Место в последнем месяце",
    "latest_rank_in_kind_from_bottom": "Место с конца в последнем месяце",
    "decisions_count": "Поручений",
    "executed_on_time_count": "Исполнено в срок",
    "executed_late_count": "Исполнено с нарушением срока",
    "overdue_count": "Просрочено",
    "not_due_count": "Срок не наступил",
    "removed_count": "Снято с контроля",
    "extended_count": "Срок продлён",
    "share_executed_on_time": "Доля исполненных в срок",
    "share_overdue": "Доля просроченных",
    "days_late_mean": "Среднее опоздание, дней",
    "year": "Год",
    "ministry": "Министерство",
    "programme_key": "Код программы",
    "programme_name": "Государственная программа",
    "indicators_count": "Показателей",
    "band_high_count": "Высокая степень достижения",
    "band_medium_count": "Средняя степень достижения",
    "band_low_count": "Низкая степень достижения",
    "achievement_degree_mean": "Средняя степень достижения",
    "forecast_degree_mean": "Прогноз степени достижения на конец года",
    "indicators_at_risk_count": "Показателей под риском",
    "forecast_method": "Метод прогноза на конец года",
    "degree_indicators_count": "Показателей со степенью достижения",
    "achievement_degree_sum": "Сумма степеней достижения",
    "forecast_indicators_count": "Показателей с прогнозом",
    "forecast_degree_sum": "Сумма прогнозных степеней",
    "forecast_ministry_count": "Прогноз министерства",
    "forecast_projected_count": "Прогноз по тренду",
    "indicator_code": "Код показателя",
    "indicator_name": "Показатель",
    "okei_name": "Единица измерения",
    "direction": "Направленность",
    "period_type": "Тип периода",
    "period_start": "Начало периода",
    "period_end": "Конец периода",
    "plan_value": "План",
    "fact_value": "Факт",
    "forecast_value": "Прогноз",
    "achievement_degree": "Степень достижения",
    "achievement_band": "Уровень достижения",
    "forecast_degree": "Прогноз степени достижения",
    "submitted_at": "Представлено",
    "baseline_mean": "Среднее за базовый период",
    "baseline_stddev": "Стандартное отклонение базового периода",
    "z_score": "Z-оценка",
    "is_spike": "Всплеск",
    "batch_id": "Пакет",
    "source": "Код источника",
    "source_name": "Источник",
    "file_name": "Файл",
    "status": "Статус загрузки",
    "started_at": "Начало загрузки",
    "finished_at": "Окончание загрузки",
    "rows_read": "Строк прочитано",
    "rows_loaded": "Строк загружено",
    "rows_quarantined": "Строк в карантине",
    "share_quarantined": "Доля строк в карантине",
    "batches_count": "Пакетов",
    "last_loaded_at": "Последняя загрузка",
    "data_as_of": "Данные на",
    "mart": "Витрина",
    "suite": "Набор проверок",
    "is_certified": "Сертифицировано",
    "certification_label": "Сертификация",
    "validated_at": "Проверено",
    "failed_expectations": "Непройденные проверки",
    "run_id": "Запуск проверки",
}
