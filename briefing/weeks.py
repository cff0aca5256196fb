"""ISO weeks: parsing ``YYYY-Www``, the previous week, the same week a year earlier, Russian labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_PATTERN = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week (Monday to Sunday)."""

    year: int
    number: int

    def __post_init__(self) -> None:
        date.fromisocalendar(self.year, self.number, 1)  # ValueError for a week the year does not have

    @classmethod
    def parse(cls, text: str) -> Week:
        """``2026-W08`` (or ``2026W8``)."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"not an ISO week: {text!r} (expected YYYY-Www, e.g. 2026-W08)")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Week:
        """The week a day falls in."""
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def last_complete(cls, as_of: date) -> Week:
        """The latest week that ended on or before ``as_of`` (a Sunday's week is complete that day)."""
        return cls.of(as_of if as_of.isoweekday() == 7 else as_of - timedelta(days=as_of.isoweekday()))

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def previous(self, weeks: int = 1) -> Week:
        return Week.of(self.start - timedelta(weeks=weeks))

    def a_year_earlier(self) -> Week:
        """The same week number a year earlier (week 53 falls back to 52 when that year has none)."""
        try:
            return Week(self.year - 1, self.number)
        except ValueError:
            return Week(self.year - 1, 52)

    @property
    def label(self) -> str:
        """«неделя 8: 16–22 февраля 2026 г.»"""
        start, end = self.start, self.end
        if start.month == end.month:
            span = f"{start.day}–{end.day} {_MONTHS_GENITIVE[end.month - 1]} {end.year} г."
        elif start.year == end.year:
            span = (
                f"{start.day} {_MONTHS_GENITIVE[start.month - 1]} – "
                f"{end.day} {_MONTHS_GENITIVE[end.month - 1]} {end.year} г."
            )
        else:
            span = f"{ru_date(start)} – {ru_date(end)}"
        return f"неделя {self.number}: {span}"


def ru_date(day: date) -> str:
    """«16 февраля 2026 г.»"""
    return f"{day.day} {_MONTHS_GENITIVE[day.month - 1]} {day.year} г."
