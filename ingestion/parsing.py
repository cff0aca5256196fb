"""Value parsers for the quirks of Russian exports.

Each parser takes the raw value as the reader sees it (a string, or a typed cell from openpyxl) and
returns a Python value ready for COPY, or raises :class:`FieldError` with a reason a person can act
on. Empty values (``''``, whitespace, ``None``) become ``None``; whether ``None`` is allowed is the
caller's business (see :func:`required`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

EXCEL_EPOCH = datetime(1899, 12, 30)


class FieldError(ValueError):
    """A value that cannot be loaded; ``field`` names the source column or key."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str | None:
    """Text as exported; a leading apostrophe (Excel's "this is text" mark) is dropped."""
    if blank(value):
        return None
    s = str(value)
    if s.startswith("'"):
        s = s[1:]
    return s.strip() or None


def required(field: str, value: object) -> object:
    if value is None:
        raise FieldError(field, "required value is missing")
    return value


def integer(field: str, value: object) -> int | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise FieldError(field, f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise FieldError(field, f"expected an integer, got {value!r}")
    s = str(value).strip().lstrip("'").replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[+-]?\d+", s):
        return int(s)
    if re.fullmatch(r"[+-]?\d+[.,]0+", s):
        return int(s.split(",")[0].split(".")[0])
    raise FieldError(field, f"expected an integer, got {str(value)!r}")


_DECIMAL_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def decimal(field: str, value: object) -> Decimal | None:
    """A number; accepts a decimal comma (``12,5``) and spaces as thousand separators."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise FieldError(field, f"expected a number, got {value!r}")
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    s = str(value).strip().lstrip("'").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    # «85 %» written as text is the percent it shows, as a percent-formatted cell is (see the readers)
    s = s.removesuffix("%")
    if s.lower() in {"-", "—", "н/д", "нд"}:
        return None
    if not _DECIMAL_RE.fullmatch(s):
        raise FieldError(field, f"expected a number (decimal comma allowed), got {str(value)!r}")
    try:
        return Decimal(s.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules these out
        raise FieldError(field, f"expected a number, got {str(value)!r}") from exc


_RU_DATETIME_RE = re.compile(
    r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?"
)
# A day and month written as numbers, for deciding a file's date order (see ``date_order_of``).
DAY_MONTH_RE = re.compile(r"(?<![\d.,/])(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")

DAY_FIRST = "dmy"
MONTH_FIRST = "mdy"


@dataclass(frozen=True)
class DateOrder:
    """How ``NN.NN.ГГГГ`` values of one file are read.

    ``order`` is the file's order (day first, the Russian way, or month first). ``mixed`` is set when
    the file holds values that only fit day-first AND values that only fit month-first: then only the
    values that fit ``order`` alone (or both orders the same way, as 05.05) load; the rest are refused
    rather than guessed.
    """

    order: str = DAY_FIRST
    mixed: bool = False


def _from_parts(field: str, raw: str, parts: tuple[str | None, ...], order: DateOrder) -> datetime:
    a, b, y, hh, mm, ss, frac = parts
    d, m = (a, b) if order.order == DAY_FIRST else (b, a)
    if order.mixed and a != b:
        fits = {
            o
            for o, (dd, mo) in ((DAY_FIRST, (a, b)), (MONTH_FIRST, (b, a)))
            if int(mo or 0) <= 12 and int(dd or 0) <= 31
        }
        if fits != {order.order}:
            raise FieldError(
                field,
                f"date order of {raw!r} cannot be told: the file mixes day-first and month-first dates "
                f"(its own order is {order.order})",
            )
    try:
        return datetime(
            int(y or 0),
            int(m or 0),
            int(d or 0),
            int(hh or 0),
            int(mm or 0),
            int(ss or 0),
            int((frac or "0").ljust(6, "0")),
        )
    except ValueError as exc:
        raise FieldError(field, f"not a valid date: {raw!r} ({exc})") from exc


def timestamp(field: str, value: object, tz: str, order: DateOrder = DateOrder()) -> datetime | None:
    """A moment in time, timezone-aware.

    Accepts ISO 8601 (with or without offset), ``ДД.ММ.ГГГГ[ ЧЧ:ММ[:СС]]``, Excel datetime cells and
    Excel serial numbers. Values without an offset are local time in ``tz``.
    """
    if blank(value):
        return None
    zone = _zone(tz)
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise FieldError(field, f"not a valid Excel date serial: {value!r}")
        dt = EXCEL_EPOCH + timedelta(days=float(value))
        dt = dt.replace(microsecond=0) if dt.microsecond < 500 else dt
    else:
        s = str(value).strip().lstrip("'")
        m = _RU_DATETIME_RE.fullmatch(s)
        if m:
            dt = _from_parts(field, s, m.groups(), order)
        else:
            try:
                dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
            except ValueError as exc:
                raise FieldError(field, f"not a date (expected ДД.ММ.ГГГГ ЧЧ:ММ or ISO 8601): {s!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone)
    if not 1990 <= dt.year <= 2100:
        raise FieldError(field, f"date out of range 1990–2100: {value!r}")
    return dt


def calendar_date(field: str, value: object, order: DateOrder = DateOrder()) -> date | None:
    """A calendar date: ``ДД.ММ.ГГГГ``, ISO ``ГГГГ-ММ-ДД``, or an Excel date cell."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip().lstrip("'")
    m = _RU_DATETIME_RE.fullmatch(s)
    if m:
        d = _from_parts(field, s, m.groups(), order).date()
    else:
        try:
            d = date.fromisoformat(s)
        except ValueError as exc:
            raise FieldError(field, f"not a date (expected ДД.ММ.ГГГГ): {s!r}") from exc
    if not 1990 <= d.year <= 2100:
        raise FieldError(field, f"date out of range 1990–2100: {s!r}")
    return d


def duration_seconds(field: str, value: object) -> Decimal | None:
    """A duration in seconds from an Excel day fraction (``0.3541`` = 8 h 30 min).

    Also accepts ``timedelta``/``time`` cells (openpyxl's reading of ``[h]:mm:ss`` formats) and text
    ``Д days ЧЧ:ММ:СС`` or ``ЧЧ:ММ:СС``.
    """
    if blank(value):
        return None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        seconds = float(value) * 86400
    else:
        s = str(value).strip().lstrip("'")
        m = re.fullmatch(r"(?:(\d+)\s*(?:days?|дн\.?|д\.?)\s*)?(\d+):(\d{2}):(\d{2})(?:\.\d+)?", s)
        if m:
            days, hh, mm, ss = (int(x or 0) for x in m.groups())
            seconds = days * 86400 + hh * 3600 + mm * 60 + ss
        else:
            fraction = decimal(field, s)
            assert fraction is not None
            seconds = float(fraction) * 86400
    if seconds < 0:
        raise FieldError(field, f"negative duration: {value!r}")
    return Decimal(round(seconds))


_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "январь",
            "февраль",
            "март",
            "апрель",
            "май",
            "июнь",
            "июль",
            "август",
            "сентябрь",
            "октябрь",
            "ноябрь",
            "декабрь",
        ],
        start=1,
    )
}


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def period(field: str, period_type: str | None, label: object) -> tuple[date, date]:
    """First and last day of a reporting period given its type (Месяц/Квартал/Год) and label.

    Labels: ``2026``; ``I квартал 2026`` / ``1 квартал 2026`` / ``2026-Q1``; ``январь 2026`` /
    ``01.2026`` / ``2026-01``.
    """
    if blank(label):
        raise FieldError(field, "required value is missing")
    s = str(label).strip().lstrip("'").lower()
    kind = (period_type or "").strip().lower()
    if kind == "год":
        m = re.fullmatch(r"(\d{4})(?:\s*г(?:од|\.)?)?", s)
        if m:
            y = int(m.group(1))
            return date(y, 1, 1), date(y, 12, 31)
    elif kind == "квартал":
        m = re.fullmatch(r"(i{1,3}|iv|[1-4])\s*квартал\s*(\d{4})(?:\s*г\.?)?", s)
        q_y = (_QUARTERS[m.group(1).upper()], int(m.group(2))) if m else None
        m = re.fullmatch(r"(\d{4})-q([1-4])", s)
        q_y = q_y or ((int(m.group(2)), int(m.group(1))) if m else None)
        if q_y:
            q, y = q_y
            return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
    elif kind == "месяц":
        m = re.fullmatch(r"([а-я]+)\s+(\d{4})(?:\s*г\.?)?", s)
        if m and m.group(1) in _MONTHS:
            mo, y = _MONTHS[m.group(1)], int(m.group(2))
            return date(y, mo, 1), _month_end(y, mo)
        m = re.fullmatch(r"(\d{1,2})\.(\d{4})", s) or re.fullmatch(r"(\d{4})-(\d{2})", s)
        if m:
            a, b = m.groups()
            mo, y = (int(a), int(b)) if len(b) == 4 else (int(b), int(a))
            if 1 <= mo <= 12:
                return date(y, mo, 1), _month_end(y, mo)
    else:
        raise FieldError("Тип периода", f"expected Месяц, Квартал or Год, got {period_type!r}")
    raise FieldError(field, f"not a {kind} period: {label!r}")


def date_order_of(texts: Iterable[str], declared: str = DAY_FIRST) -> tuple[DateOrder, str]:
    """The date order of a file from the ``NN.NN.ГГГГ`` values in its text, and how it was decided.

    A value whose first number is over 12 (21.01.2026) fixes day-first; one whose second number is over
    12 fixes month-first. A file with only one kind of evidence is read in that order; a file where both
    orders fit every value is read in the source's ``declared`` order; a file with both kinds is mixed.
    """
    day_first = month_first = 0
    for chunk in texts:
        for a, b, _ in DAY_MONTH_RE.findall(chunk):
            x, y = int(a), int(b)
            if x > 12 >= y:
                day_first += 1
            elif y > 12 >= x:
                month_first += 1
    if day_first and month_first:
        order = DAY_FIRST if day_first >= month_first else MONTH_FIRST
        return DateOrder(order, mixed=True), (
            f"mixed: {day_first} values only fit day-first and {month_first} only month-first; "
            f"rows are read {order} and values that fit it only ambiguously are quarantined"
        )
    if day_first:
        return DateOrder(DAY_FIRST), f"{DAY_FIRST}: decided by {day_first} values"
    if month_first:
        return DateOrder(MONTH_FIRST), f"{MONTH_FIRST}: decided by {month_first} values"
    return DateOrder(declared), f"{declared}: declared by the source (every value fits both orders)"
