"""Ministry submissions of programme indicators: the project's XLSX template (docs/sources.md).

Each sheet is one submission: metadata in rows 1–4 (ministry, submitted at, submission number,
template version), a blank row, the header in row 6 and data from row 7.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ingestion import parsing
from ingestion.parsing import FieldError
from ingestion.schemas import INDICATOR_VALUES
from ingestion.sources.base import (
    FieldMap,
    FileRejected,
    KeyGuard,
    Note,
    ReadContext,
    Record,
    Rejected,
    RowBuilder,
    calamine_sheets,
    calamine_values,
    check_formulas,
    join_raw,
    match_header,
    open_calamine,
    open_workbook,
    percent_cells,
    percent_styles,
    required_sources,
    sheet_member,
    use_calamine,
    visible_sheets,
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
REQUIRED = required_sources(FIELDS, (INDICATOR_VALUES,))
META = ("Министерство", "Дата представления", "Номер представления", "Версия шаблона")
HEADER_ROW = 6
DIRECTIONS = {"возрастающий", "убывающий"}


class IndicatorsXlsxReader:
    """``indicators/*.xlsx``: every sheet is a submission."""

    source = "indicators"
    tables = (INDICATOR_VALUES,)

    def __init__(self) -> None:
        self._builder = RowBuilder(INDICATOR_VALUES, FIELDS)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected | Note]:
        calamine = use_calamine(path)
        wb = open_calamine(path) if calamine else open_workbook(path)
        try:
            read: list[str] = []
            passed: list[str] = []
            guard = KeyGuard(INDICATOR_VALUES)
            styles = percent_styles(path) if calamine else set()
            for title, rows, member in self._sheets(path, wb, calamine):
                if not self._is_submission(rows()):
                    passed.append(title)
                    continue
                read.append(title)
                member = member or sheet_member(path, title)
                check_formulas(path, title, member)
                values = calamine_values(rows(), percent_cells(path, member, styles)) if calamine else rows()
                yield from self._sheet(path, title, iter(values), ctx, guard)
            if not read:
                raise FileRejected(
                    path,
                    "no visible sheet is a submission (cell A1 «Министерство»); sheets: "
                    + ", ".join(repr(t) for t in passed),
                )
            yield Note("sheet", ", ".join(read))
            if passed:
                yield Note("warning", "sheets passed over (not a submission): " + ", ".join(passed))
        finally:
            wb.close()  # type: ignore[attr-defined]

    @staticmethod
    def _sheets(
        path: Path, wb: object, calamine: bool
    ) -> list[tuple[str, Callable[[], Iterator[tuple[int, Sequence[object]]]], str | None]]:
        """(title, rows, zip member) of the visible sheets: calamine (Rust) for workbooks up to
        ``CALAMINE_MAX_BYTES``, openpyxl streaming (percent cells read from each cell's format) above."""
        if calamine:
            return [(title, rows, None) for title, rows in calamine_sheets(path, wb)]
        return [
            (
                str(ws.title),  # type: ignore[attr-defined]
                lambda ws=ws: xlsx_rows(ws, percent=True),
                getattr(ws, "_worksheet_path", None),
            )
            for ws in visible_sheets(wb)
        ]

    @staticmethod
    def _is_submission(rows: Iterator[tuple[int, Sequence[object]]]) -> bool:
        """An instruction sheet or a sheet of drop-down lists does not start with the metadata block."""
        for row_no, values in rows:
            return row_no == 1 and bool(values) and parsing.text(values[0]) == META[0]
        return False

    def _sheet(
        self,
        path: Path,
        sheet: str,
        rows: Iterator[tuple[int, Sequence[object]]],
        ctx: ReadContext,
        guard: KeyGuard,
    ) -> Iterator[Record | Rejected]:
        head: list[Sequence[object]] = []
        for _, values in rows:
            head.append(values)
            if len(head) == HEADER_ROW:
                break
        if len(head) < HEADER_ROW:
            raise FileRejected(path, f"sheet {sheet!r} is shorter than the template (header on row 6)")
        meta = self._metadata(path, sheet, head, ctx)
        match = match_header(path, head[HEADER_ROW - 1], FIELDS, REQUIRED)
        names = {f.column: f.source for f in FIELDS}
        for row_no, values in rows:
            if all(parsing.blank(v) for v in values):
                continue
            cells = list(values)
            try:
                if any(not parsing.blank(v) for v in cells[match.width :]):
                    raise FieldError("(row)", f"a value right of the header's {match.width} columns")
                cells += [None] * (match.width - len(cells))
                row = self._row(cells, match.index, meta, ctx, match.extras(cells))
                guard.check(row_no, row, names)
                yield Record(row_no, {INDICATOR_VALUES.name: [row]})
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
        self,
        cells: list[object],
        index: dict[str, int],
        meta: dict[str, object],
        ctx: ReadContext,
        extras: str | None,
    ) -> tuple[object, ...]:
        def get(name: str) -> object:
            i = index.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        direction = parsing.text(get("Направленность"))
        if direction is not None and direction.lower() not in DIRECTIONS:
            raise FieldError("Направленность", f"expected Возрастающий or Убывающий, got {direction!r}")
        period_type = parsing.text(get("Тип периода"))
        start, end = parsing.period("Период", period_type, get("Период"))
        fixed = {**meta, "period_start": start, "period_end": end}
        return self._builder.build(lambda fm: get(fm.source), ctx, fixed, extras)
