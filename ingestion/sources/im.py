"""Инцидент Менеджмент: the 47-column XLSX export of social-media incidents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingestion.schemas import IM_INCIDENTS
from ingestion.sources.base import (
    FieldMap,
    FileRejected,
    ReadContext,
    Record,
    Rejected,
    RowBuilder,
    open_workbook,
    tabular_records,
    xlsx_rows,
)

_F = FieldMap

# In the order of the export. The first 29 are the names of real exports; see docs/sources.md.
FIELDS = (
    _F("ID", "incident_id", "int"),
    _F("Номер инцидента", "incident_number"),
    _F("Отдел", "department"),
    _F("Исполнитель", "executor"),
    _F("Дата создания", "created_at", "ts"),
    _F("Дата окончания", "finished_at", "ts"),
    _F("Время с даты создания инцидента до времени первого ответа", "first_response_seconds", "dur"),
    _F(
        "Время с даты создания инцидента до времени первого ответа, рабочее время",
        "first_response_work_seconds",
        "dur",
    ),
    _F("Время 1го ответа ПИ", "first_response_at", "ts"),
    _F("Уложились или нет после назн. ПИ", "on_time_after_assignment"),
    _F("Текущий шаг инцидента", "current_step"),
    _F("Группа тем", "topic_group"),
    _F("Тема", "topic"),
    _F("Регион", "region"),
    _F("Муниципалитет", "municipality"),
    _F("Населенный пункт", "locality"),
    _F("Улица", "street"),
    _F("Дом", "house"),
    _F("Тип инцидента", "incident_type"),
    _F("Итог", "outcome"),
    _F("Причина закрытия", "closing_reason"),
    _F("Текст инцидента", "incident_text"),
    _F("1ый ответ ПИ", "first_response_text"),
    _F("Урл поста", "post_url"),
    _F("URL автора", "author_url"),
    _F("Аудитория", "audience", "int"),
    _F("Вовлеченность", "engagement", "int"),
    _F("Опрос отправлен", "survey_sent"),
    _F("Время с начала создания инцидента до окончания", "total_duration_seconds", "dur"),
    _F("Социальная сеть", "social_network"),
    _F("Тип источника", "source_type"),
    _F("Автор", "author_name"),
    _F("Дата публикации", "published_at", "ts"),
    _F("Дата назначения ПИ", "assigned_at", "ts"),
    _F("Просрочен", "overdue_flag"),
    _F("Время с назначения ПИ до первого ответа", "assignment_response_seconds", "dur"),
    _F(
        "Время с назначения ПИ до первого ответа, рабочее время",
        "assignment_response_work_seconds",
        "dur",
    ),
    _F("Плановое время ответа", "response_due_at", "ts"),
    _F("Оценка", "rating", "int"),
    _F("Комментарий к оценке", "rating_comment"),
    _F("Тональность", "sentiment"),
    _F("Повторный", "repeat_flag"),
    _F("Количество комментариев", "comments_count", "int"),
    _F("Количество репостов", "reposts_count", "int"),
    _F("Количество лайков", "likes_count", "int"),
    _F("Модератор", "moderator"),
    _F("Дата последнего изменения", "modified_at", "ts"),
)
HEADER = tuple(f.source for f in FIELDS)
assert len(HEADER) == 47


class ImXlsxReader:
    """``im/*.xlsx``: first sheet, header on row 1, data from row 2."""

    source = "im"
    tables = (IM_INCIDENTS,)

    def __init__(self) -> None:
        self._builders = {IM_INCIDENTS.name: RowBuilder(IM_INCIDENTS, FIELDS)}

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected]:
        wb = open_workbook(path)
        try:
            sheets = wb.worksheets  # type: ignore[attr-defined]
            if not sheets:
                raise FileRejected(path, "has no sheets")
            yield from tabular_records(path, xlsx_rows(sheets[0]), HEADER, self._builders, ctx)
        finally:
            wb.close()  # type: ignore[attr-defined]
