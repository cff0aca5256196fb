"""Working time of the region's bodies: 09:00–18:00 with a 13:00–14:00 lunch, on working days of the
Russian production calendar (holidays and transferred days off excluded, working Saturdays included,
pre-holiday days one hour shorter). The 2020–2021 decree days count as working days, as in the
official calendar. In: datetimes (local, naive). Out: datetimes and durations in seconds.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from generator.catalog import Catalog

_H = 3600


class WorkCalendar:
    def __init__(self, catalog: Catalog) -> None:
        self._off = catalog.days_off
        self._working = catalog.working_weekends
        self._short = catalog.shortened

    def is_workday(self, d: date) -> bool:
        if d in self._working:
            return True
        return d.weekday() < 5 and d not in self._off

    def _intervals(self, d: date) -> tuple[tuple[int, int], ...]:
        if not self.is_workday(d):
            return ()
        end = 17 * _H if d in self._short else 18 * _H
        return ((9 * _H, 13 * _H), (14 * _H, end))

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment ``seconds`` of working time after ``start``."""
        left = max(0.0, seconds)
        day = start.date()
        pos = start.hour * _H + start.minute * 60 + start.second
        for _ in range(3660):
            for a, b in self._intervals(day):
                if pos >= b:
                    continue
                begin = max(pos, a)
                if begin + left <= b:
                    return datetime(day.year, day.month, day.day) + timedelta(seconds=begin + left)
                left -= b - begin
                pos = b
            day += timedelta(days=1)
            pos = 0
        raise ValueError("working time beyond ten years")  # pragma: no cover

    def between(self, a: datetime, b: datetime) -> float:
        """Working seconds from ``a`` to ``b`` (0 if ``b`` is not after ``a``)."""
        if b <= a:
            return 0.0
        total = 0.0
        day = a.date()
        while day <= b.date():
            base = datetime(day.year, day.month, day.day)
            lo = max(0.0, (a - base).total_seconds())
            hi = min(86400.0, (b - base).total_seconds())
            for x, y in self._intervals(day):
                total += max(0.0, min(hi, y) - max(lo, x))
            day += timedelta(days=1)
        return total
