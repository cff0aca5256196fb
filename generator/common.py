"""Shared helpers of the generator: seeded random streams, weighted picking, months, bad-row plans.

Everything here is pure: given the same arguments it returns the same values, so every file the
generator writes depends only on the arguments of :func:`generator.generate`.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")

TZ_SUFFIX = "+07:00"  # local time of Khakassia (UTC+7: core.settings.DEFAULT_TIMEZONE)
FIXED_DOC_TIME = datetime(2020, 1, 1, 0, 0, 0)  # document properties of every XLSX written

Progress = Callable[[str, int], None]


def rng_for(seed: int, *parts: object) -> random.Random:
    """An independent random stream for ``seed`` and a label such as ``("pos", 3)``."""
    key = "|".join([str(seed), *map(str, parts)]).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


class Picker(Generic[T]):
    """Weighted random choice over fixed items (binary search over cumulative weights)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("items and weights must be non-empty and of equal length")
        self.items = list(items)
        self._cum = list(accumulate(weights))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> T:
        i = bisect_right(self._cum, rng.random() * self._total)
        return self.items[min(i, len(self.items) - 1)]


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder); sums to total."""
    s = sum(weights)
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[:rest]:
        out[i] += 1
    return out


@dataclass(frozen=True)
class Month:
    """A calendar month of the period: ``index`` from 0, ``start`` inclusive, ``end`` exclusive."""

    index: int
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def months_of(start: date, months: int) -> list[Month]:
    """The ``months`` calendar months from the month of ``start``."""
    out: list[Month] = []
    y, m = start.year, start.month
    for i in range(months):
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        out.append(Month(i, datetime(y, m, 1), datetime(ny, nm, 1)))
        y, m = ny, nm
    return out


def iso(dt: datetime) -> str:
    """Local time as ISO 8601 with the region's offset: ``2026-01-05T10:12:00+07:00``."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + TZ_SUFFIX


def ru_dt(dt: datetime) -> str:
    return dt.strftime("%d.%m.%Y %H:%M")


def ru_date(d: date | datetime) -> str:
    return d.strftime("%d.%m.%Y")


def ru_num(x: float, digits: int) -> str:
    """A number with a decimal comma: ``12,5``."""
    return f"{x:.{digits}f}".replace(".", ",")


def excel_days(delta: timedelta | float) -> float:
    """A duration as an Excel day fraction, rounded to the second."""
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
    return round(round(seconds) / 86400, 8)


def lognormal_hours(rng: random.Random, median_hours: float, sigma: float, cap_hours: float) -> float:
    return min(cap_hours, median_hours * rng.lognormvariate(0.0, sigma))


class BadRows:
    """Decides which data rows of one file are deliberately bad.

    About ``rate`` of rows are bad, and when ``rate`` > 0 one row among the first 49 always is, so every
    file with at least 50 rows has a bad row. ``count`` is how many were chosen.
    """

    def __init__(self, rng: random.Random, rate: float) -> None:
        self._rng = rng
        self._rate = rate
        self._forced = rng.randrange(1, 50) if rate > 0 else -1
        self._row = 0
        self.count = 0

    def next(self) -> bool:
        self._row += 1
        bad = self._rate > 0 and (self._row == self._forced or self._rng.random() < self._rate)
        self.count += bad
        return bad

    def kind(self, kinds: Sequence[str]) -> str:
        return kinds[self._rng.randrange(len(kinds))]


def cp1251_safe(text: str) -> str:
    """Text that encodes in cp1251: characters it lacks become ``?``."""
    return text.encode("cp1251", errors="replace").decode("cp1251")
