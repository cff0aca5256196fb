"""Written appeals of citizens (59-ФЗ) from the EDMS: ``written/written_appeals_<YYYY-MM>.csv``.

In: a ``;``-separated CSV (UTF-8 with BOM, or cp1251) with the header of :data:`HEADER` (the project's
template modelled on the «Дело» exports, docs/sources.md), one registration card per row. Out: rows of
``raw.written_appeals``. Beyond the checks every reader makes (required values, dates, duplicate ids
in one file, shifted rows), a row is quarantined with its field when its ``RESULT`` is not one of the
five 59-ФЗ results, or when its answer, forwarding or extension date is before the registration date.
The classifier code (``RUBRIC_CODE``) is optional and never a reason to quarantine: a blank, unknown
or garbled code is loaded as written and counted in the «Не определено» bucket by dbt.
"""

from __future__ import annotations

from datetime import date

from ingestion.schemas import WRITTEN_APPEALS
from ingestion.sources.base import FieldMap
from ingestion.sources.checked_csv import CheckedCsvReader, Problem

_F = FieldMap

FIELDS = (
    _F("ISN_DOC", "isn_doc", "int"),
    _F("FREE_NUM", "free_num"),
    _F("DOC_DATE", "doc_date", "date"),
    _F("DELIVERY", "delivery_type"),
    _F("CITIZEN_SURNAME", "citizen_surname"),
    _F("CITIZEN_NAME", "citizen_name"),
    _F("CITIZEN_PATRONYMIC", "citizen_patronymic"),
    _F("CITIZEN_EMAIL", "citizen_email"),
    _F("CITIZEN_PHONE", "citizen_phone"),
    _F("MUNICIPALITY", "municipality"),
    _F("ADDRESS", "problem_address"),
    _F("RUBRIC_CODE", "rubric_code"),
    _F("ANNOTAT", "annotat"),
    _F("EXECUTOR", "executor_name"),
    _F("PROLONG_DATE", "prolong_date", "date"),
    _F("FORWARD_TO", "forward_to"),
    _F("FORWARD_DATE", "forward_date", "date"),
    _F("RESULT", "result"),
    _F("REPLY_DATE", "reply_date", "date"),
    _F("UPD_DATE", "upd_date", "ts"),
)
HEADER = tuple(f.source for f in FIELDS)
RESULTS = ("поддержано", "меры приняты", "разъяснено", "не поддержано", "оставлено без ответа")
# dates that cannot come before the registration: (raw column, source field)
_AFTER_REGISTRATION = (
    ("reply_date", "REPLY_DATE"),
    ("forward_date", "FORWARD_DATE"),
    ("prolong_date", "PROLONG_DATE"),
)

_COLUMNS = WRITTEN_APPEALS.column_names
_DOC_DATE = _COLUMNS.index("doc_date")
_RESULT = _COLUMNS.index("result")


def result_known(value: object) -> bool:
    """A blank result (not answered yet) or one of :data:`RESULTS`, in any case, ё as е."""
    if value is None:
        return True
    return str(value).strip().lower().replace("ё", "е") in RESULTS


class WrittenCsvReader(CheckedCsvReader):
    """``written/*.csv``: one written appeal (EDMS registration card) per row."""

    source = "written"
    tables = (WRITTEN_APPEALS,)
    fields = FIELDS

    def problem(self, values: tuple[object, ...]) -> Problem:
        return _problem(values)


def _problem(values: tuple[object, ...]) -> tuple[str, str] | None:
    """The field and reason a built row cannot load for, or None."""
    if not result_known(values[_RESULT]):
        return "RESULT", f"expected one of {', '.join(RESULTS)} or blank, got {values[_RESULT]!r}"
    registered = values[_DOC_DATE]
    assert isinstance(registered, date)
    for column, source in _AFTER_REGISTRATION:
        later = values[_COLUMNS.index(column)]
        if isinstance(later, date) and later < registered:
            return source, f"{later.isoformat()} is before DOC_DATE {registered.isoformat()}"
    return None
