"""Response-survey ratings: ``surveys/survey_ratings_<YYYY-MM>.csv`` (docs/sources.md, the project's
template), the only place the sample puts ratings.

In: ratings handed over by the ПОС and Инцидент Менеджмент generators as they simulate each appeal
(system, id, number, rating, when it was given). Out: one UTF-8-with-BOM ``;`` CSV per month of the
period with the ratings given that month (a rating given after the period is not exported yet), and
a manifest entry per file. Rows stream straight to the open monthly files, so memory stays flat. Some
appeals are rated twice (the applicant changes the rating later), and about ``bad_rate`` of rows are
deliberately bad (a rating out of 1–5, an unknown system).
"""

from __future__ import annotations

import csv
import random
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from generator.common import BadRows, Month, rng_for, ru_dt
from generator.manifest import Manifest
from generator.personal import Planter

HEADER = ["Система", "ID обращения", "Номер обращения", "Оценка", "Дата оценки", "Комментарий"]
POS = "ПОС"
IM = "Инцидент Менеджмент"
BAD_KINDS = ("rating_out_of_range", "unknown_system")
COMMENTS = (
    "",
    "",
    "Спасибо за ответ",
    "Проблема решена",
    "Ответ формальный, проблема не решена",
    "Долго отвечали",
    "Спасибо, оперативно",
)


def file_name(month: Month) -> str:
    return f"survey_ratings_{month.label}.csv"


class SurveyWriter:
    """The monthly survey files of a period; use as a context manager, :meth:`add` each rating."""

    def __init__(
        self,
        out_dir: Path,
        months: list[Month],
        seed: int,
        bad_rate: float,
        manifest: Manifest,
        planter: Planter | None = None,
    ) -> None:
        self._folder = out_dir / "surveys"
        self._planter = planter
        self._months = months
        self._manifest = manifest
        self._rng = rng_for(seed, "surveys")
        self._bad = [BadRows(rng_for(seed, "surveys-bad", m.index), bad_rate) for m in months]
        self._rows = [0] * len(months)
        self._files: list[IO[str]] = []
        self._writers: list[Any] = []

    def __enter__(self) -> SurveyWriter:
        self._folder.mkdir(parents=True, exist_ok=True)
        for month in self._months:
            fh = (self._folder / file_name(month)).open("w", encoding="utf-8-sig", newline="")
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(HEADER)
            self._files.append(fh)
            self._writers.append(w)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for fh in self._files:
            fh.close()
        if exc_type is None:
            for i, month in enumerate(self._months):
                self._manifest.add(
                    f"surveys/{file_name(month)}", "surveys", self._rows[i], self._bad[i].count
                )

    @property
    def rng(self) -> random.Random:
        return self._rng

    def add(self, system: str, appeal_id: int, number: str, rating: int, at: datetime) -> None:
        """One rating given at ``at`` (local time); dropped when given after the period."""
        i = next((i for i, m in enumerate(self._months) if m.start <= at < m.end), None)
        if i is None:
            return
        comment = self._rng.choice(COMMENTS)
        if self._planter is not None:
            comment = self._planter.survey_comment(comment, system, appeal_id, ru_dt(at))
        row: list[object] = [system, appeal_id, number, rating, ru_dt(at), comment]
        self._rows[i] += 1
        if self._bad[i].next():
            if self._bad[i].kind(BAD_KINDS) == "rating_out_of_range":
                row[3] = 6
            else:
                row[0] = "Почта России"
        self._writers[i].writerow(row)
