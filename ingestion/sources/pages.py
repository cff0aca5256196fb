"""Official pages of bodies in social networks (госпаблики): ``pages/`` (the project's template).

Two file kinds, ``;``-separated CSV (UTF-8 with or without BOM, or cp1251), told apart by the name:

* ``pages_register_<YYYY-MM-DD>.csv``: the register of the bodies' pages, one row per page (the body
  by name and ИНН, the network, the page's address, its verified mark); out: ``raw.page_register``;
* ``pages_activity_<YYYY-MM>.csv``: weekly activity, one row per page and week (followers, posts,
  views, reactions, residents' comments and those answered, the date of the latest post); out:
  ``raw.page_activity``.

A row goes to quarantine with the field and the reason when its network is not ВКонтакте or
Одноклассники, its address is not an https address on the network's own site (``vk.com`` / ``vk.ru``,
``ok.ru``), its ИНН is not 10 digits, its verified mark is not Да or Нет, its week does not start on a
Monday, a count is negative, more comments are answered than written, or it repeats a page (a week of a
page); a file without a required column is rejected naming it (order free, unknown columns kept in
extras, as for the other readers). The pages of bodies hold no personal data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit

from ingestion.schemas import PAGE_ACTIVITY, PAGE_REGISTER
from ingestion.sources.base import FieldMap
from ingestion.sources.checked_csv import CheckedCsvReader, Problem

_F = FieldMap

REGISTER_FIELDS = (
    _F("Орган", "org_name"),
    _F("ИНН", "org_inn"),
    _F("Соцсеть", "network"),
    _F("Ссылка", "page_url"),
    _F("Название страницы", "page_name"),
    _F("Отметка о верификации", "verified_mark"),
    _F("Дата включения", "registered_on", "date"),
)
ACTIVITY_FIELDS = (
    _F("Ссылка", "page_url"),
    _F("Неделя с", "week_start", "date"),
    _F("Подписчики", "followers", "int"),
    _F("Публикации", "posts", "int"),
    _F("Просмотры", "views", "int"),
    _F("Реакции", "reactions", "int"),
    _F("Комментарии", "comments", "int"),
    _F("Комментарии с ответом", "comments_answered", "int"),
    _F("Последняя публикация", "last_post_on", "date"),
)
REGISTER_HEADER = tuple(f.source for f in REGISTER_FIELDS)
ACTIVITY_HEADER = tuple(f.source for f in ACTIVITY_FIELDS)
REGISTER_PREFIX = "pages_register_"
# network -> the hosts of its pages
NETWORKS: dict[str, tuple[str, ...]] = {
    "ВКонтакте": ("vk.com", "vk.ru", "m.vk.com"),
    "Одноклассники": ("ok.ru", "m.ok.ru"),
}
HOSTS = tuple(h for hosts in NETWORKS.values() for h in hosts)
VERIFIED_MARKS = ("Да", "Нет")
COUNTS = ("followers", "posts", "views", "reactions", "comments", "comments_answered")
_INN = re.compile(r"\d{10}")


def url_problem(url: object, hosts: Sequence[str]) -> str | None:
    """Why ``url`` is not the address of a page on one of ``hosts`` (None when it is)."""
    parts = urlsplit(str(url).strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        return f"expected an https address of a page, got {url!r}"
    if host.removeprefix("www.") not in hosts:
        return f"expected a page on {' or '.join(hosts)}, got {host!r}"
    if parts.path.strip("/") == "":
        return f"the address names no page: {url!r}"
    return None


def register_problem(values: tuple[object, ...]) -> tuple[str, str] | None:
    """The first rule a register row breaks, as (source field, reason); None when none."""
    v = dict(zip(PAGE_REGISTER.column_names, values, strict=True))
    if not _INN.fullmatch(str(v["org_inn"])):
        return "ИНН", f"expected a 10-digit ИНН of a body, got {v['org_inn']!r}"
    network = v["network"]
    if network not in NETWORKS:
        return "Соцсеть", f"expected one of {', '.join(NETWORKS)}, got {network!r}"
    problem = url_problem(v["page_url"], NETWORKS[str(network)])
    if problem:
        return "Ссылка", problem
    if v["verified_mark"] is not None and v["verified_mark"] not in VERIFIED_MARKS:
        return "Отметка о верификации", f"expected Да or Нет, got {v['verified_mark']!r}"
    return None


def activity_problem(values: tuple[object, ...]) -> tuple[str, str] | None:
    """The first rule an activity row breaks, as (source field, reason); None when none."""
    v = dict(zip(PAGE_ACTIVITY.column_names, values, strict=True))
    problem = url_problem(v["page_url"], HOSTS)
    if problem:
        return "Ссылка", problem
    week = v["week_start"]
    if isinstance(week, date) and week.weekday() != 0:
        return "Неделя с", f"expected the Monday a week starts on, got {week:%d.%m.%Y}"
    names = {f.column: f.source for f in ACTIVITY_FIELDS}
    for column in COUNTS:
        if isinstance(v[column], int) and v[column] < 0:  # type: ignore[operator]
            return names[column], f"expected a count of 0 or more, got {v[column]}"
    comments, answered = v["comments"], v["comments_answered"]
    if isinstance(comments, int) and isinstance(answered, int) and answered > comments:
        return "Комментарии с ответом", f"{answered} answered of {comments} comments"
    return None


class _PagesCsvReader(CheckedCsvReader):
    source = "pages"


class PagesRegisterReader(_PagesCsvReader):
    """``pages/pages_register_*.csv``: one official page of a body per row."""

    tables = (PAGE_REGISTER,)
    fields = REGISTER_FIELDS

    def problem(self, values: tuple[object, ...]) -> Problem:
        return register_problem(values)


class PagesActivityReader(_PagesCsvReader):
    """``pages/pages_activity_*.csv``: one page's activity in one week per row."""

    tables = (PAGE_ACTIVITY,)
    fields = ACTIVITY_FIELDS

    def problem(self, values: tuple[object, ...]) -> Problem:
        return activity_problem(values)
