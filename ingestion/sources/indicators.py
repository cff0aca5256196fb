"""Ministry submissions of programme indicators: the project's XLSX template (docs/sources.md).

Each sheet is one submission: metadata in rows 1–4 (ministry, submitted at, submission number,
template version), a blank row, the header in row 6 and data from row 7.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from ingestion import parsing
from ingestion.parsing import FieldError
from ingestion.schemas import INDICATOR_VALUES
from ingestion.sources.base import (
    FieldMap,
    FileRejected,
    ReadContext,
    Record,
    Rejected,
    RowBuilder,
    check_header,
    join_raw,
    open_workbook,
    xlsx_rows,
)

_F = FieldMap

FIELDS = (
    _F("Код показателя", "indicator_code"),
    _F("Наименование показателя", "indicator_name"),
    _F("Государственная программа", "state_programme"),
    _F("Национальный проект", "national_project"),
    _F("Региональный проект", "regional_project"),
    _F("Код ОКЕИ", "okei_code"),
    _F("Единица измерения", "okei_name"),
    _F("Направленность", "direction"),
    _F("Тип периода", "period_type"),
    _F("Период", "period_label"),
    _F("План", "plan_value", "dec"),
    _F("Факт", "fact_value", "dec"),
    _F("Прогноз", "forecast_value", "dec"),
    _F("Комментарий", "comment"),
)
HEADER = tuple(f.source for f in FIELDS)
META = ("Министерство", "Дата представления", "Номер представления", "Версия шаблона")
HEADER_ROW = 6
DIRECTIONS = {"возрастающий", "убывающий"}


class IndicatorsXlsxReader:
    """``indicators/*.xlsx``: every sheet is a submission."""

    source = "indicators"
    tables = (INDICATOR_VALUES,)

    def __init__(self) -> None:
        self._builder = RowBuilder(INDICATOR_VALUES, FIELDS)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected]:
        wb = open_workbook(path)
        try:
            for ws in wb.worksheets:  # type: ignore[attr-defined]
                yield from self._sheet(path, ws, ctx)
        finally:
            wb.close()  # type: ignore[attr-defined]

    def _sheet(self, path: Path, ws: object, ctx: ReadContext) -> Iterator[Record | Rejected]:
        sheet = str(ws.title)  # type: ignore[attr-defined]
        rows = xlsx_rows(ws)
        head: list[Sequence[object]] = []
        for _, values in rows:
            head.append(values)
            if len(head) == HEADER_ROW:
                break
        if len(head) < HEADER_ROW:
            raise FileRejected(path, f"sheet {sheet!r} is shorter than the template (header on row 6)")
        meta = self._metadata(path, sheet, head, ctx)
        index = check_header(path, head[HEADER_ROW - 1], HEADER)
        for row_no, values in rows:
            if all(parsing.blank(v) for v in values):
                continue
            cells = list(values)
            try:
                yield Record(row_no, {INDICATOR_VALUES.name: [self._row(cells, index, meta, ctx)]})
            except FieldError as err:
                yield Rejected(row_no, f"{sheet}!{err.field}", err.reason, join_raw(cells))

    def _metadata(
        self, path: Path, sheet: str, head: list[Sequence[object]], ctx: ReadContext
    ) -> dict[str, object]:
        values: dict[str, object] = {}
        for row_no, label in enumerate(META, start=1):
            row = head[row_no - 1]
            got = parsing.text(row[0]) if row else None
            value = row[1] if row and len(row) > 1 else None
            if got != label or parsing.blank(value):
                raise FileRejected(
                    path, f"sheet {sheet!r}, row {row_no}: expected {label!r} in A and its value in B"
                )
            values[label] = value
        try:
            submitted = parsing.timestamp("Дата представления", values["Дата представления"], ctx.timezone)
        except FieldError as err:
            raise FileRejected(path, f"sheet {sheet!r}, row 2: {err.reason}") from err
        return {
            "ministry": parsing.text(values["Министерство"]),
            "submitted_at": submitted,
            "submission_id": parsing.text(values["Номер представления"]),
            "sheet_name": sheet,
        }

    def _row(
        self, cells: list[object], index: dict[str, int], meta: dict[str, object], ctx: ReadContext
    ) -> tuple[object, ...]:
        def get(name: str) -> object:
            i = index[name]
            return cells[i] if i < len(cells) else None

        direction = parsing.text(get("Направленность"))
        if direction is not None and direction.lower() not in DIRECTIONS:
            raise FieldError("Направленность", f"expected Возрастающий or Убывающий, got {direction!r}")
        period_type = parsing.text(get("Тип периода"))
        start, end = parsing.period("Период", period_type, get("Период"))
        fixed = {**meta, "period_start": start, "period_end": end}
        return self._builder.build(lambda fm: get(fm.source), ctx, fixed)
