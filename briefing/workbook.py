"""The XLSX of a pack (openpyxl): the same tables as the PDF, as editable numbers.

In: :class:`briefing.data.PackData`. Out: one workbook with a sheet per table («КПЭ», «Рост тем», …,
«Статус данных»). Every sheet starts with the scope, the week, the as-of date and the certification
of the marts its numbers come from (a withdrawn certificate spelled out); shares are numbers with a
percent format, dates are dates, every row is there (the PDF shortens long lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from briefing.data import PackData, certificate_text

SHEETS = {
    "kpis": "КПЭ",
    "growing_topics": "Рост тем",
    "overdue_topics": "Темы с просрочкой",
    "overdue_appeals": "Просроченные обращения",
    "overdue_decisions": "Просроченные поручения",
    "conflict_signals": "Сигналы конфликтности",
    "programmes_at_risk": "Программы под риском",
    "indicators_at_risk": "Показатели под риском",
    "status": "Статус данных",
}
KPI_COLUMNS = (
    "Показатель", "Период", "Значение", "Цель", "Пред. период", "Год назад", "Витрина", "Сертификация",
)  # fmt: skip
# Rows before a table's header on every sheet: title, as-of, certification, blank.
HEADER_ROWS = 4
_PERCENT = "0.0%"
_DATE = "DD.MM.YYYY"
_SHARE_COLUMNS = {"Достижение", "Прогноз", "Средний прогноз"}


def _naive(value: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if value is None else value.astimezone(zone).replace(tzinfo=None)


def _preamble(ws: Worksheet, data: PackData, title: str, marts: Sequence[str], zone: ZoneInfo) -> None:
    """Title; the as-of time of the sheet's (first) mart; each mart's certification and as-of date."""
    first = data.certificate(marts[0]).data_as_of if marts else None
    ws.append([f"{title} — {data.scope_name}, {data.week.label}"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(["Данные на", _naive(first or data.as_of, zone)])
    ws["B2"].number_format = "DD.MM.YYYY HH:MM"
    ws.append(["Сертификация", "; ".join(certificate_text(data, m, zone) for m in marts) or "—"])
    ws.append([])


def _header(ws: Worksheet, columns: Sequence[str]) -> None:
    ws.append(list(columns))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = f"A{ws.max_row + 1}"  # a coordinate, not ws.cell(): that would add a row


def _widths(ws: Worksheet, columns: Sequence[str]) -> None:
    for i, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(48, len(name) + 6))


def write_workbook(data: PackData, path: Path, tz: str) -> Path:
    zone = ZoneInfo(tz)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEETS["kpis"]
    _preamble(ws, data, "Ключевые показатели", sorted({k.mart for k in data.kpis}), zone)
    _header(ws, KPI_COLUMNS)
    for k in data.kpis:
        ws.append(
            [
                k.name,
                k.period,
                k.value,
                k.target,
                k.previous,
                k.last_year,
                k.mart,
                data.certificate(k.mart).label,
            ]
        )
        if k.kind == "share":
            for col in (3, 4, 5, 6):
                ws.cell(row=ws.max_row, column=col).number_format = _PERCENT
    _widths(ws, KPI_COLUMNS)
    ws.column_dimensions["A"].width = 44

    for key, table in data.tables.items():
        sheet = wb.create_sheet(SHEETS[key])
        _preamble(sheet, data, table.title, table.marts, zone)
        _header(sheet, table.columns)
        for row in table.rows:
            sheet.append([_naive(v, zone) if isinstance(v, datetime) else v for v in row])
            for i, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
                cell = sheet.cell(row=sheet.max_row, column=i)
                if column in _SHARE_COLUMNS and value is not None:
                    cell.number_format = _PERCENT
                elif hasattr(value, "isoformat"):
                    cell.number_format = _DATE
        _widths(sheet, table.columns)

    status = wb.create_sheet(SHEETS["status"])
    _preamble(status, data, "Статус данных", data.marts, zone)
    columns = ("Витрина", "Сертификация", "Проверено", "Данные на", "Непройденные проверки")
    _header(status, columns)
    for mart in data.marts:
        c = data.certificate(mart)
        status.append(
            [mart, c.label, _naive(c.validated_at, zone), _naive(c.data_as_of, zone), c.failed or ""]
        )
    _widths(status, columns)
    wb.save(path)
    return path


def read_table(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """The rows under a sheet's header (what a reader of the workbook sees), for checks and tests."""
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True)[sheet]
    rows = ws.iter_rows(min_row=HEADER_ROWS + 2, values_only=True)
    return [tuple(r) for r in rows if any(v is not None for v in r)]
