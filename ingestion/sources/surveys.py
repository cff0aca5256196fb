"""Response-survey ratings: ``surveys/survey_ratings_<YYYY-MM>.csv`` (the project's file shape).

In: a ``;``-separated CSV (UTF-8 with or without BOM, or cp1251) with the header of
:data:`HEADER`, one rating per row. Out: rows of ``raw.survey_ratings``. A row whose «Система» is
not ПОС or Инцидент Менеджмент, or whose «Оценка» is not a whole number from 1 to 5, goes to
quarantine with the field and the reason; a file without a required column is rejected naming it
(the columns' contract is that of the other readers: order free, unknown columns kept in extras).
"""

from __future__ import annotations

from ingestion.schemas import SURVEY_RATINGS
from ingestion.sources.base import FieldMap
from ingestion.sources.checked_csv import CheckedCsvReader, Problem

_F = FieldMap

FIELDS = (
    _F("Система", "appeal_system"),
    _F("ID обращения", "appeal_id", "int"),
    _F("Номер обращения", "appeal_number"),
    _F("Оценка", "rating", "int"),
    _F("Дата оценки", "rated_at", "ts"),
    _F("Комментарий", "rating_comment"),
)
HEADER = tuple(f.source for f in FIELDS)
SYSTEMS = ("ПОС", "Инцидент Менеджмент")
RATINGS = range(1, 6)

_COLUMNS = SURVEY_RATINGS.column_names
_SYSTEM = _COLUMNS.index("appeal_system")
_RATING = _COLUMNS.index("rating")


class SurveyCsvReader(CheckedCsvReader):
    """``surveys/*.csv``: one response-survey rating per row."""

    source = "surveys"
    tables = (SURVEY_RATINGS,)
    fields = FIELDS

    def problem(self, values: tuple[object, ...]) -> Problem:
        if values[_SYSTEM] not in SYSTEMS:
            return "Система", f"expected one of {', '.join(SYSTEMS)}, got {values[_SYSTEM]!r}"
        if values[_RATING] not in RATINGS:
            return "Оценка", f"expected a rating from 1 to 5, got {values[_RATING]}"
        return None
