"""Reference data the generator draws from, loaded from the dbt seeds in ``<repo>/dbt/seeds``.

In: the seed CSVs (``ref_*.csv``). Out: a :class:`Catalog` of typed, immutable lists. The same seeds
are loaded by dbt, so the generated files and the warehouse's reference tables always agree.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from core.paths import DBT_DIR

SEEDS_DIR = DBT_DIR / "seeds"


@dataclass(frozen=True)
class Municipality:
    oktmo: str
    name: str
    short_name: str
    type: str
    admin_centre: str
    weight: float

    @property
    def is_city(self) -> bool:
        return self.type == "городской округ"


@dataclass(frozen=True)
class Sector:
    code: str
    name: str
    responsible_body: str
    responsible_org_code: str
    sort_order: int


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    kind: str  # ОИВ / ОМСУ / РСО
    sector_code: str
    oktmo: str
    inn: str
    kpp: str
    ogrn: str
    delo_due: str
    address: str


@dataclass(frozen=True)
class PosSubject:
    subject_id: int
    subject_name: str
    subsubject_id: int
    subsubject_name: str
    sector_code: str


@dataclass(frozen=True)
class ImTopic:
    topic: str
    topic_group: str
    sector_code: str


@dataclass(frozen=True)
class Catalog:
    municipalities: tuple[Municipality, ...]
    sectors: tuple[Sector, ...]
    organisations: tuple[Organisation, ...]
    pos_subjects: tuple[PosSubject, ...]
    im_topics: tuple[ImTopic, ...]
    days_off: frozenset[date]
    working_weekends: frozenset[date]
    shortened: frozenset[date]

    def org(self, code: str) -> Organisation:
        for o in self.organisations:
            if o.code == code:
                return o
        raise KeyError(code)

    def omsu_of(self, oktmo: str) -> Organisation:
        for o in self.organisations:
            if o.kind == "ОМСУ" and o.oktmo == oktmo:
                return o
        raise KeyError(oktmo)

    def sector(self, code: str) -> Sector:
        for s in self.sectors:
            if s.code == code:
                return s
        raise KeyError(code)


def _rows(seeds: Path, name: str) -> list[dict[str, str]]:
    with (seeds / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=4)
def load_catalog(seeds: Path = SEEDS_DIR) -> Catalog:
    """Read every seed the generator needs from ``seeds``."""
    munis = tuple(
        Municipality(r["oktmo"], r["name"], r["short_name"], r["type"], r["admin_centre"], float(r["weight"]))
        for r in _rows(seeds, "ref_municipalities.csv")
    )
    sectors = tuple(
        Sector(
            r["sector_code"],
            r["sector_name"],
            r["responsible_body"],
            r["responsible_org_code"],
            int(r["sort_order"]),
        )
        for r in _rows(seeds, "ref_sectors.csv")
    )
    orgs = tuple(
        Organisation(
            r["org_code"],
            r["org_name"],
            r["org_kind"],
            r["sector_code"],
            r["oktmo"],
            r["inn"],
            r["kpp"],
            r["ogrn"],
            r["delo_due"],
            r["address"],
        )
        for r in _rows(seeds, "ref_organisations.csv")
    )
    subjects = tuple(
        PosSubject(
            int(r["subject_id"]),
            r["subject_name"],
            int(r["subsubject_id"]),
            r["subsubject_name"],
            r["sector_code"],
        )
        for r in _rows(seeds, "ref_pos_subjects.csv")
    )
    topics = tuple(
        ImTopic(r["topic"], r["topic_group"], r["sector_code"])
        for r in _rows(seeds, "ref_im_topic_sectors.csv")
    )
    off: set[date] = set()
    working: set[date] = set()
    short: set[date] = set()
    for r in _rows(seeds, "ref_production_calendar.csv"):
        d = date.fromisoformat(r["date"])
        if r["kind"] in {"holiday", "transferred_day_off"}:
            off.add(d)
        elif r["kind"] == "working_weekend":
            working.add(d)
        if r["kind"] == "shortened_pre_holiday" or "сокращённый" in r["note"]:
            short.add(d)
    return Catalog(
        munis, sectors, orgs, subjects, topics, frozenset(off), frozenset(working), frozenset(short)
    )
