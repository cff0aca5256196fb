"""Sociological polls: ``surveys/poll_answers_<YYYY-MM>.csv`` (docs/sources.md, the project's
template), one poll every third month of the period (at least one).

In: the catalog's municipalities (their shares of the population). Out: one UTF-8-with-BOM ``;`` CSV
per poll, one row per respondent per question answered, and a manifest entry per file. Respondents
are anonymous (no personal data). The sample is skewed the way real polls are (online polls reach the
capital and the young more, offline ones the old), and each respondent's weight is the cell's
population share over its sample share (municipality × sex × age group), normalised to a mean of 1.
The follow-up question (asked only of those who wrote to a body this year) has a tiny weighted base,
so its margin of error is wide. About ``bad_rate`` of rows are deliberately bad: a sex or age group
outside the accepted values, an ОКТМО that is not 8 digits, a zero weight.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

from generator.catalog import Catalog
from generator.common import BadRows, Month, Picker, rng_for, ru_date, ru_num
from generator.manifest import Manifest

HEADER = [
    "Код опроса",
    "Опрос",
    "Способ проведения",
    "Дата начала",
    "Дата окончания",
    "ID респондента",
    "ОКТМО",
    "Пол",
    "Возрастная группа",
    "Вес",
    "Код вопроса",
    "Вопрос",
    "Код варианта",
    "Вариант ответа",
]
BAD_KINDS = ("bad_sex", "bad_age_group", "bad_oktmo", "zero_weight")
SEXES = ("М", "Ж")
SEX_SHARES = (0.46, 0.54)  # the region's adult population (Rosstat: women outnumber men past 30)
AGE_GROUPS = ("18–29", "30–44", "45–59", "60+")
AGE_SHARES = (0.18, 0.28, 0.26, 0.28)
# who a poll reaches: online polls the young, offline (door-to-door, phone) the old
REACH = {"онлайн": (0.30, 0.36, 0.22, 0.12), "офлайн": (0.10, 0.22, 0.30, 0.38)}

# (code, question, ((option code, option), ...), option weights)
WORK = (
    "q1",
    "Как вы оцениваете работу органов власти в вашем муниципалитете?",
    (("1", "Отлично"), ("2", "Хорошо"), ("3", "Удовлетворительно"), ("4", "Плохо"),
     ("5", "Затрудняюсь ответить")),
    (0.08, 0.30, 0.34, 0.18, 0.10),
)  # fmt: skip
PROBLEM = (
    "q2",
    "Какая проблема в вашем населённом пункте самая острая?",
    (("1", "Дороги"), ("2", "ЖКХ"), ("3", "Благоустройство"), ("4", "Здравоохранение"),
     ("5", "Общественный транспорт"), ("6", "Другое")),
    (0.30, 0.24, 0.16, 0.14, 0.10, 0.06),
)  # fmt: skip
WROTE = (
    "q3",
    "Обращались ли вы в органы власти за последний год?",
    (("1", "Да"), ("2", "Нет")),
    (0.06, 0.94),
)
FOLLOW_UP = (
    "q4",
    "Удовлетворены ли вы ответом на своё обращение?",
    (("1", "Да"), ("2", "Скорее да"), ("3", "Скорее нет"), ("4", "Нет")),
    (0.22, 0.28, 0.26, 0.24),
)


def file_name(month: Month) -> str:
    return f"poll_answers_{month.label}.csv"


def poll_months(period: list[Month]) -> list[Month]:
    """The months with a poll: the second of every three, or the only one."""
    picked = [m for m in period if m.index % 3 == 1]
    return picked or period[:1]


def generate_polls(
    out_dir: Path,
    catalog: Catalog,
    period: list[Month],
    seed: int,
    bad_rate: float,
    manifest: Manifest,
    respondents: int = 160,
) -> None:
    """Write one poll file per poll month (``respondents`` each) and add them to the manifest."""
    folder = out_dir / "surveys"
    folder.mkdir(parents=True, exist_ok=True)
    for n, month in enumerate(poll_months(period)):
        rng = rng_for(seed, "polls", month.index)
        bad = BadRows(rng_for(seed, "polls-bad", month.index), bad_rate)
        mode = "онлайн" if n % 2 == 0 else "офлайн"
        rows = _poll_rows(rng, catalog, month, mode, respondents)
        with (folder / file_name(month)).open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(HEADER)
            for row in rows:
                if bad.next():
                    _spoil(row, bad.kind(BAD_KINDS))
                w.writerow(row)
        manifest.add(f"surveys/{file_name(month)}", "surveys", len(rows), bad.count)


def _spoil(row: list[object], kind: str) -> None:
    if kind == "bad_sex":
        row[7] = "мужской"
    elif kind == "bad_age_group":
        row[8] = "до 18"
    elif kind == "bad_oktmo":
        row[6] = str(row[6])[:7]
    else:
        row[9] = "0"


def _poll_rows(
    rng: random.Random, catalog: Catalog, month: Month, mode: str, respondents: int
) -> list[list[object]]:
    munis = catalog.municipalities
    # the sample over-represents the capital (the first, largest municipality) online
    reach = [m.weight * (1.8 if mode == "онлайн" and i == 0 else 1.0) for i, m in enumerate(munis)]
    people = []
    for i in range(respondents):
        muni = Picker(munis, reach).pick(rng)
        sex = Picker(SEXES, SEX_SHARES).pick(rng)
        age = Picker(AGE_GROUPS, REACH[mode]).pick(rng)
        people.append((f"R{i + 1:04d}", muni, sex, age))
    # weight: the cell's population share over its sample share, normalised to a mean of 1
    cells = Counter((p[1].oktmo, p[2], p[3]) for p in people)
    total_weight = sum(m.weight for m in munis)
    target = {
        (m.oktmo, s, a): m.weight / total_weight * ss * aa
        for m in munis
        for s, ss in zip(SEXES, SEX_SHARES, strict=True)
        for a, aa in zip(AGE_GROUPS, AGE_SHARES, strict=True)
    }
    raw = {key: target[key] / (count / respondents) for key, count in cells.items()}
    mean = sum(raw[(p[1].oktmo, p[2], p[3])] for p in people) / respondents
    code = f"ОПРОС-{month.label}"
    title = f"Оценка работы органов власти ({mode}), {month.start.strftime('%m.%Y')}"
    start = month.start.date() + timedelta(days=4)
    end = start + timedelta(days=13)
    out: list[list[object]] = []
    for rid, muni, sex, age in people:
        weight = ru_num(raw[(muni.oktmo, sex, age)] / mean, 4)
        base = [code, title, mode, ru_date(start), ru_date(end), rid, muni.oktmo, sex, age, weight]
        wrote = False
        for question in (WORK, PROBLEM, WROTE, FOLLOW_UP):
            qcode, text, options, shares = question
            if question is FOLLOW_UP and not wrote:
                continue
            ocode, otext = Picker(options, shares).pick(rng)
            if question is WROTE:
                wrote = ocode == "1"
            out.append([*base, qcode, text, ocode, otext])
    return out
