"""Official pages of bodies (госпаблики): ``pages/pages_register_<YYYY-MM-DD>.csv`` and
``pages/pages_activity_<YYYY-MM>.csv`` (docs/sources.md, the project's template).

In: the catalog's organisations (the bodies obliged to keep pages are the ОИВ and ОМСУ; a РСО may
keep one). Out: the register as of the last day of the period, and the weekly activity of each page
over the last three months of the period, one file per month (the weeks that start in it), with a
manifest entry per file. The hard cases are there on purpose: two obliged bodies without any page,
unverified pages, pages that went silent weeks before the end (one never posted), weeks without a
single comment (share answered undefined), a page in the register with no activity rows. About
``bad_rate`` of rows are deliberately bad: a page address on the wrong network or without https, more
comments answered than written, a negative follower count, a week that does not start on a Monday.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from generator.catalog import Catalog, Organisation
from generator.common import BadRows, Month, rng_for, ru_date
from generator.manifest import Manifest

REGISTER_HEADER = [
    "Орган",
    "ИНН",
    "Соцсеть",
    "Ссылка",
    "Название страницы",
    "Отметка о верификации",
    "Дата включения",
]
ACTIVITY_HEADER = [
    "Ссылка",
    "Неделя с",
    "Подписчики",
    "Публикации",
    "Просмотры",
    "Реакции",
    "Комментарии",
    "Комментарии с ответом",
    "Последняя публикация",
]
VK = "ВКонтакте"
OK = "Одноклассники"
REGISTER_BAD = ("wrong_network_host", "no_scheme")
ACTIVITY_BAD = ("answered_above_comments", "negative_followers", "not_monday")
WEEKS_SILENT = (5, 9)  # weeks without a post before the end, for the two silent pages


def register_name(period: list[Month]) -> str:
    return f"pages_register_{(period[-1].end - timedelta(days=1)).date().isoformat()}.csv"


def activity_name(month: Month) -> str:
    return f"pages_activity_{month.label}.csv"


def generate_pages(
    out_dir: Path, catalog: Catalog, period: list[Month], seed: int, bad_rate: float, manifest: Manifest
) -> None:
    """Write the register and the monthly activity files of the pages and add them to the manifest."""
    folder = out_dir / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    rng = rng_for(seed, "pages")
    end = (period[-1].end - timedelta(days=1)).date()
    pages = _pages(rng, catalog, end)
    bad = BadRows(rng_for(seed, "pages-bad", "register"), bad_rate)
    with (folder / register_name(period)).open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(REGISTER_HEADER)
        for page in pages:
            row = list(page["row"])  # type: ignore[call-overload]
            if bad.next():
                if bad.kind(REGISTER_BAD) == "wrong_network_host":
                    row[3] = (
                        str(row[3]).replace("vk.com", "ok.ru") if row[2] == VK else "https://vk.com/ok_page"
                    )
                else:
                    row[3] = str(row[3]).removeprefix("https://")
            w.writerow(row)
    manifest.add(f"pages/{register_name(period)}", "pages", len(pages), bad.count)

    # weeks starting in the last three months of the period and ending by its last day
    months = period[-3:]
    first = months[0].start.date()
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=6) <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    for month in months:
        mweeks = [wk for wk in weeks if month.start.date() <= wk < month.end.date()]
        bad = BadRows(rng_for(seed, "pages-bad", month.index), bad_rate)
        rows = 0
        with (folder / activity_name(month)).open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(ACTIVITY_HEADER)
            for page in pages:
                if page["no_activity"]:
                    continue
                for week in mweeks:
                    row = _week_row(rng, page, week, weeks[-1])
                    rows += 1
                    if bad.next():
                        kind = bad.kind(ACTIVITY_BAD)
                        if kind == "answered_above_comments":
                            row[7] = int(row[6]) + 3  # type: ignore[call-overload]
                        elif kind == "negative_followers":
                            row[2] = -int(row[2])  # type: ignore[call-overload]
                        else:
                            row[1] = ru_date(week + timedelta(days=2))
                    w.writerow(row)
        manifest.add(f"pages/{activity_name(month)}", "pages", rows, bad.count)


def _pages(rng: random.Random, catalog: Catalog, end: date) -> list[dict[str, object]]:
    obliged = [o for o in catalog.organisations if o.kind in ("ОИВ", "ОМСУ")]
    others = [o for o in catalog.organisations if o.kind not in ("ОИВ", "ОМСУ")]
    omsu = [o for o in obliged if o.kind == "ОМСУ"]
    without = {o.code for o in rng.sample(omsu, 2)}  # obliged bodies that keep no page
    pages: list[dict[str, object]] = []
    for n, org in enumerate([*obliged, *others[:1]]):
        if org.code in without:
            continue
        networks = [VK] + ([OK] if rng.random() < 0.6 else [])
        for network in networks:
            pages.append(_page(rng, org, network, n, end))
    # the hard cases, on fixed pages so every sample has them
    pages[1]["silent_weeks"] = WEEKS_SILENT[0]
    pages[4]["silent_weeks"] = WEEKS_SILENT[1]
    pages[6]["never_posted"] = True
    pages[-1]["no_activity"] = True
    pages[2]["no_comments"] = True
    return pages


def _page(rng: random.Random, org: Organisation, network: str, n: int, end: date) -> dict[str, object]:
    if network == VK:
        url = f"https://vk.com/{org.code}19"
        followers = int(rng.lognormvariate(8.3, 0.8))
    else:
        url = f"https://ok.ru/group/{70000000000000 + 7919 * (n + 1)}"
        followers = int(rng.lognormvariate(6.8, 0.9))
    verified = "Да" if rng.random() < 0.82 else "Нет"
    since = end - timedelta(days=rng.randrange(200, 900))
    row = [org.name, org.inn, network, url, org.name, verified, ru_date(since)]
    return {
        "row": row,
        "url": url,
        "followers": followers,
        "posts_per_week": rng.uniform(1.5, 9.0) if network == VK else rng.uniform(0.5, 4.0),
        "silent_weeks": 0,
        "never_posted": False,
        "no_activity": False,
        "no_comments": False,
        "last_post": since,
    }


def _week_row(rng: random.Random, page: dict[str, object], week: date, last_week: date) -> list[object]:
    followers = int(page["followers"]) + rng.randrange(-5, 40)  # type: ignore[call-overload]
    page["followers"] = max(followers, 0)
    silent_from = last_week - timedelta(weeks=int(page["silent_weeks"]) - 1)  # type: ignore[call-overload]
    quiet = page["never_posted"] or (page["silent_weeks"] and week >= silent_from)
    posts = 0 if quiet else max(0, round(rng.gauss(float(page["posts_per_week"]), 1.2)))  # type: ignore[arg-type]
    if posts:
        page["last_post"] = week + timedelta(days=rng.randrange(0, 7))
    views = posts * int(rng.lognormvariate(6.5, 0.7))
    reactions = int(views * rng.uniform(0.01, 0.05))
    comments = 0 if page["no_comments"] or not posts else int(rng.expovariate(1 / max(posts * 1.5, 1)))
    answered = min(comments, round(comments * rng.betavariate(5, 2)))
    last = "" if page["never_posted"] else ru_date(page["last_post"])  # type: ignore[arg-type]
    return [page["url"], ru_date(week), page["followers"], posts, views, reactions, comments, answered, last]
