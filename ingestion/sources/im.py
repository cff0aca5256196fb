"""Инцидент Менеджмент: the XLSX export of social-media incidents (the real 47-column header).

The contract (docs/sources.md): ``ID``, ``Номер инцидента`` and ``Дата создания`` are required; every
other column of the real export is optional; columns the reader does not know are kept in
``extras``. Values are as real exports hold them: points in time as text ``ГГГГ-ММ-ДД ЧЧ:ММ:СС`` in
the exporting region's local time (the time zone of the source, or of the row's «Кабинет»), durations
as Excel day fractions formatted ``[ч]:мм:сс``, text cells starting with an apostrophe (``'`` alone is
empty). The workbook's sheet is found by its header; instruction and hidden sheets are passed over.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingestion.schemas import IM_INCIDENTS
from ingestion.sources.base import (
    FieldMap,
    Note,
    ReadContext,
    Record,
    Rejected,
    RowBuilder,
    calamine_sheets,
    check_formulas,
    find_sheet,
    open_calamine,
    open_workbook,
    openpyxl_sheets,
    required_sources,
    tabular_records,
    use_calamine,
)

_F = FieldMap

# In the order of the real export (im_export_header.csv of the project's reference notes;
# the header is reproduced in docs/sources.md). Aliases: the names this project's earlier sample files
# used for the same data.
FIELDS = (
    _F("Кабинет", "cabinet"),
    _F("ID", "incident_id", "int"),
    _F("Номер инцидента", "incident_number"),
    _F("Отдел", "department"),
    _F("Исполнитель", "executor"),
    _F("Общее время первого ответа", "total_first_response_seconds", "dur"),
    _F("Общий текст первого ответа", "total_first_response_text"),
    _F("Время с даты создания инцидента до времени первого ответа", "first_response_seconds", "dur"),
    _F(
        "Время с даты создания инцидента до времени первого ответа, рабочее время",
        "first_response_work_seconds",
        "dur",
    ),
    _F("Время назначения последнего исполнителя", "assigned_at", "ts", aliases=("Дата назначения ПИ",)),
    _F("Время 1го ответа ПИ", "first_response_at", "ts"),
    _F(
        "Первая реакция с момента назн. ПИ",
        "assignment_response_seconds",
        "dur",
        aliases=("Время с назначения ПИ до первого ответа",),
    ),
    _F("Уложились или нет после назн. ПИ", "on_time_after_assignment"),
    _F("Время с начала создания инцидента до окончания", "total_duration_seconds", "dur"),
    _F("Время отправки первого ответа ПИ на согласование", "approval_sent_at", "ts"),
    _F("Время, которое первый ответ ПИ находился на согласовании", "approval_seconds", "dur"),
    _F("Текущий шаг инцидента", "current_step"),
    _F("Дата создания", "created_at", "ts"),
    _F("Дата окончания", "finished_at", "ts"),
    _F("Группа тем", "topic_group"),
    _F("Тема", "topic"),
    _F("Регион", "region"),
    _F("Муниципалитет", "municipality"),
    _F("Населенный пункт", "locality"),
    _F("Улица", "street"),
    _F("Дом", "house"),
    _F("Объект старый", "object_old"),
    _F("Объект", "object"),
    _F("Тип инцидента", "incident_type"),
    _F("Итог", "outcome"),
    _F("Есть медиафайл в ответе", "response_has_media"),
    _F("Есть медиафайл в сообщении", "message_has_media"),
    _F("Урл поста", "post_url"),
    _F("Урл блога", "blog_url"),
    _F("Текст инцидента", "incident_text"),
    _F("1ый ответ ПИ", "first_response_text"),
    _F("2ой ответ ПИ", "second_response_text"),
    _F("3ий ответ ПИ", "third_response_text"),
    _F("Причина закрытия", "closing_reason"),
    _F("Аудитория", "audience", "int"),
    _F("Вовлеченность", "engagement", "int"),
    _F("URL автора", "author_url"),
    _F("Аккаунт публикации ответа", "response_account"),
    _F("Теги", "tags"),
    _F("Примечание", "note"),
    _F("Время попадания на шаг оценка удовлетворенности", "survey_step_at", "ts"),
    _F("Опрос отправлен", "survey_sent"),
)
HEADER = tuple(f.source for f in FIELDS)
assert len(HEADER) == 47
REQUIRED = required_sources(FIELDS, (IM_INCIDENTS,))
# The «Кабинет» picks the row's time zone when CUR_IM_CABINET_TIMEZONES names it.
CABINET = FIELDS[0]


class ImXlsxReader:
    """``im/*.xlsx``: the first visible sheet whose header has the required columns."""

    source = "im"
    tables = (IM_INCIDENTS,)

    def __init__(self) -> None:
        builder = RowBuilder(
            IM_INCIDENTS,
            FIELDS,
            not_before=(
                ("first_response_at", "created_at"),
                ("finished_at", "created_at"),
            ),
            zone_field=CABINET,
        )
        self._builders = {IM_INCIDENTS.name: builder}

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected | Note]:
        if use_calamine(path):
            wb = open_calamine(path)
            sheets = calamine_sheets(path, wb)
        else:
            wb = open_workbook(path)
            sheets = openpyxl_sheets(wb)
        try:
            title, header_row_no, header = find_sheet(path, sheets, FIELDS, REQUIRED)
            check_formulas(path, title)
            yield Note("sheet", title)
            all_rows = dict(sheets)[title]()
            rows = ((n, v) for n, v in all_rows if n > header_row_no)
            yield from tabular_records(
                path, rows, FIELDS, self._builders, ctx, header_row=header, exact_width=False
            )
        finally:
            wb.close()  # type: ignore[attr-defined]
