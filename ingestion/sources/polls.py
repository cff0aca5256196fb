"""Sociological polls: ``surveys/poll_answers_<poll code>.csv`` (the project's template).

In: a ``;``-separated CSV (UTF-8 with or without BOM, or cp1251) with the header of :data:`HEADER`,
one row per anonymous respondent per question answered (single choice): the poll, the question, the
option chosen, the respondent's municipality (ОКТМО), sex, age group and weight. Out: rows of
``raw.poll_answers``. Respondents are anonymous: the file has no personal data.

A row goes to quarantine with the field and the reason when its «Способ проведения» is not онлайн or
офлайн, its «ОКТМО» is not 8 digits, its «Пол» is not М or Ж, its «Возрастная группа» is not one of
:data:`AGE_GROUPS`, its «Вес» is not a positive number, or it repeats a respondent's answer to the same
question; a file without a required column is rejected naming it (order free, unknown columns kept in
extras, as for the other readers).
"""

from __future__ import annotations

import re
from decimal import Decimal

from ingestion.schemas import POLL_ANSWERS
from ingestion.sources.base import FieldMap
from ingestion.sources.checked_csv import CheckedCsvReader, Problem

_F = FieldMap

FIELDS = (
    _F("Код опроса", "poll_code"),
    _F("Опрос", "poll_title"),
    _F("Способ проведения", "poll_mode"),
    _F("Дата начала", "fieldwork_start", "date"),
    _F("Дата окончания", "fieldwork_end", "date"),
    _F("ID респондента", "respondent_id"),
    _F("ОКТМО", "municipality_oktmo"),
    _F("Пол", "sex"),
    _F("Возрастная группа", "age_group"),
    _F("Вес", "weight", "dec"),
    _F("Код вопроса", "question_code"),
    _F("Вопрос", "question_text"),
    _F("Код варианта", "option_code"),
    _F("Вариант ответа", "option_text"),
)
HEADER = tuple(f.source for f in FIELDS)
FILE_PREFIX = "poll_answers_"
MODES = ("онлайн", "офлайн")
SEXES = ("М", "Ж")
AGE_GROUPS = ("18–29", "30–44", "45–59", "60+")
_OKTMO = re.compile(r"\d{8}")

_COLUMNS = POLL_ANSWERS.column_names


def _at(name: str) -> int:
    return _COLUMNS.index(name)


def problem(values: tuple[object, ...]) -> tuple[str, str] | None:
    """The first rule a built row breaks, as (source field, reason); None when it keeps them all."""
    mode = values[_at("poll_mode")]
    if mode is not None and mode not in MODES:
        return "Способ проведения", f"expected one of {', '.join(MODES)}, got {mode!r}"
    oktmo = values[_at("municipality_oktmo")]
    if not _OKTMO.fullmatch(str(oktmo)):
        return "ОКТМО", f"expected an 8-digit ОКТМО code of a municipality, got {oktmo!r}"
    sex = values[_at("sex")]
    if sex not in SEXES:
        return "Пол", f"expected one of {', '.join(SEXES)}, got {sex!r}"
    age = values[_at("age_group")]
    if age not in AGE_GROUPS:
        return "Возрастная группа", f"expected one of {', '.join(AGE_GROUPS)}, got {age!r}"
    weight = values[_at("weight")]
    if not isinstance(weight, Decimal) or weight <= 0:
        return "Вес", f"expected a positive weight, got {weight}"
    start, end = values[_at("fieldwork_start")], values[_at("fieldwork_end")]
    if start is not None and end is not None and end < start:  # type: ignore[operator]
        return "Дата окончания", f"the fieldwork ends ({end}) before it starts ({start})"
    return None


class PollCsvReader(CheckedCsvReader):
    """``surveys/poll_answers_*.csv``: one respondent's answer to one poll question per row."""

    source = "surveys"
    tables = (POLL_ANSWERS,)
    fields = FIELDS

    def problem(self, values: tuple[object, ...]) -> Problem:
        return problem(values)
