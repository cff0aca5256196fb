"""Response-survey ratings: ``surveys/survey_ratings_<YYYY-MM>.csv`` (the project's file shape).

In: a ``;``-separated CSV (UTF-8 with or without BOM, or cp1251) with the header of
:data:`HEADER`, one rating per row. Out: rows of ``raw.survey_ratings``. A row whose «Система» is
not ПОС or Инцидент Менеджмент, or whose «Оценка» is not a whole number from 1 to 5, goes to
quarantine with the field and the reason; a file without a required column is rejected naming it
(the columns' contract is that of the other readers: order free, unknown columns kept in extras).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ingestion.schemas import SURVEY_RATINGS
from ingestion.sources.base import (
    FieldMap,
    Note,
    ReadContext,
    Record,
    Rejected,
    RowBuilder,
    csv_date_order,
    iter_csv,
    join_raw,
    tabular_records,
)

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


class SurveyCsvReader:
    """``surveys/*.csv``: one response-survey rating per row."""

    source = "surveys"
    tables = (SURVEY_RATINGS,)

    def __init__(self) -> None:
        self._builders = {SURVEY_RATINGS.name: RowBuilder(SURVEY_RATINGS, FIELDS)}

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record | Rejected | Note]:
        order, how = csv_date_order(path, ctx.declared_date_order)
        yield Note("date_order", how)
        rows = tabular_records(
            path, iter_csv(path), FIELDS, self._builders, replace(ctx, date_order=order), fast=False
        )
        for item in rows:
            if not isinstance(item, Record):
                yield item
                continue
            values = item.tables[SURVEY_RATINGS.name][0]
            if values[_SYSTEM] not in SYSTEMS:
                yield Rejected(
                    item.row,
                    "Система",
                    f"expected one of {', '.join(SYSTEMS)}, got {values[_SYSTEM]!r}",
                    join_raw(values),
                )
            elif values[_RATING] not in RATINGS:
                yield Rejected(
                    item.row,
                    "Оценка",
                    f"expected a rating from 1 to 5, got {values[_RATING]}",
                    join_raw(values),
                )
            else:
                yield item
