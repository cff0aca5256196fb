"""Written appeals of citizens (59-ФЗ) registered in the EDMS: ``written/written_appeals_<YYYY-MM>.csv``
(the project's template modelled on the «Дело» exports, docs/sources.md): UTF-8 with BOM, ``;``,
``ДД.ММ.ГГГГ`` dates, one registration card per row.

In: the catalog, the months, the number of appeals, the seed and a bounded set of ПОС appeals
(generator/channels.py). Out: one file per month with the cards registered that month, in their state
at the end of the month, and again in the file of the month their answer came in (the later state);
a manifest entry per file.

The cases the warehouse must get right are made on purpose: answers after the 30-day term (~10 %),
terms extended once by 30 days (~12 %, PROLONG_DATE), forwarding to the competent body within 7 days
and late (~20 % forwarded, a fifth of them late), cards still open past their term at the end of the
period, classifier codes that map to no sector (blank, garbled, an unknown section: ~4 %), and the same
person writing on paper about the problem they raised on ПОС (~10 %: the ПОС applicant's e-mail or
phone and the same address). About ``bad_rate`` of rows are bad (an unreadable DOC_DATE, an unknown
RESULT, an answer before the registration).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from generator.catalog import Catalog, Organisation
from generator.channels import PosAppeal
from generator.common import BadRows, Month, Picker, Progress, rng_for, ru_date, ru_dt
from generator.geo import address, platform_name
from generator.manifest import Manifest
from generator.people import person
from generator.personal import Planter

HEADER = [
    "ISN_DOC", "FREE_NUM", "DOC_DATE", "DELIVERY", "CITIZEN_SURNAME", "CITIZEN_NAME",
    "CITIZEN_PATRONYMIC", "CITIZEN_EMAIL", "CITIZEN_PHONE", "MUNICIPALITY", "ADDRESS", "RUBRIC_CODE",
    "ANNOTAT", "EXECUTOR", "PROLONG_DATE", "FORWARD_TO", "FORWARD_DATE", "RESULT", "REPLY_DATE", "UPD_DATE",
]  # fmt: skip
DELIVERY = Picker(["Почта", "Электронная форма", "Лично"], [0.45, 0.40, 0.15])
RESULTS = Picker(
    ["разъяснено", "меры приняты", "поддержано", "не поддержано", "оставлено без ответа"],
    [0.55, 0.20, 0.12, 0.10, 0.03],
)
# classifier prefixes by sector (dbt/seeds/ref_written_rubrics.csv) and their weights
RUBRICS = Picker(
    [
        ("0005", "zhkh"), ("0005.0005.0054", "construction"), ("0002", "social"),
        ("0002.0013", "education"), ("0002.0014", "health"), ("0003.0009.0097", "transport"),
        ("0003.0009.0099", "roads"), ("0003.0011", "tko"), ("0001", "undefined"), ("0004", "undefined"),
        ("0003", "undefined"),
    ],
    [0.30, 0.08, 0.16, 0.08, 0.10, 0.04, 0.08, 0.04, 0.06, 0.03, 0.03],
)  # fmt: skip
UNMAPPED_CODES = ("", "0009.0001.0001.0001", "5.5.56.1153", "0005-0005-0056", "б/н")
SUMMARIES = {
    "zhkh": "О ремонте кровли и подъезда многоквартирного дома",
    "construction": "О предоставлении жилья взамен аварийного",
    "social": "О назначении мер социальной поддержки",
    "education": "О предоставлении места в детском саду",
    "health": "О записи к врачу-специалисту в поликлинике",
    "transport": "Об изменении расписания пригородного автобуса",
    "roads": "О ремонте дороги и ямочном ремонте",
    "tko": "О ликвидации несанкционированной свалки",
    "undefined": "По вопросу деятельности органов власти",
}
BAD_KINDS = ("bad_date", "unknown_result", "reply_before_registration")
SHARE_SAME_PERSON = 0.10
SHARE_UNMAPPED = 0.04
SHARE_EXTENDED = 0.12
SHARE_FORWARDED = 0.20
SHARE_FORWARDED_LATE = 0.20
SHARE_LATE = 0.10


def file_name(month: Month) -> str:
    return f"written_appeals_{month.label}.csv"


@dataclass(frozen=True)
class Card:
    """One written appeal with its whole future (dates after the period are not exported)."""

    isn: int
    number: str
    registered: date
    row: list[object]  # every column but the state ones
    prolonged: date | None
    forwarded: tuple[str, date] | None
    replied: date | None
    result: str


def _bodies(catalog: Catalog, sector: str) -> list[Organisation]:
    found = [o for o in catalog.organisations if o.sector_code == sector and o.kind == "ОИВ"]
    return found or [o for o in catalog.organisations if o.kind == "ОИВ"]


def _card(
    rng: random.Random,
    catalog: Catalog,
    seq: int,
    registered: date,
    link: PosAppeal | None,
    planter: Planter | None,
) -> Card:
    muni_picker = Picker(list(catalog.municipalities), [m.weight for m in catalog.municipalities])
    prefix, sector = RUBRICS.pick(rng)
    if link is not None and link.sector_code != "undefined":
        same = [p for p in RUBRICS.items if p[1] == link.sector_code]
        if same:
            prefix, sector = same[0]
    depth = 4 - prefix.count(".") - 1
    code = prefix + "".join(f".{rng.randrange(1, 1200):04d}" for _ in range(depth))
    if rng.random() < SHARE_UNMAPPED:
        code, sector = rng.choice(UNMAPPED_CODES), "undefined"
    who = person(rng)
    muni = muni_picker.pick(rng)
    if link is not None:
        muni = next((m for m in catalog.municipalities if m.oktmo == link.oktmo), muni)
    place = link.address if link is not None and link.address else address(rng, muni).text
    email, phone = (link.email, link.phone) if link is not None else (who.email, who.phone)
    surname, name, patronymic = (
        (link.surname, link.name, link.patronymic) if link else (who.surname, who.name, who.patronymic)
    )
    if rng.random() < 0.4:
        email = ""  # a letter on paper often gives no e-mail
    if link is None and rng.random() < 0.3:
        phone = ""
    body = rng.choice(_bodies(catalog, sector)) if rng.random() < 0.6 else catalog.omsu_of(muni.oktmo)
    text = f"{SUMMARIES[sector]} ({place})"
    if planter is not None:
        text = planter.free_text("written", text, seq, person(rng) if link is None else who)
    row: list[object] = [
        5_000_001 + seq, f"О-{registered:%y}/{seq + 1:05d}", ru_date(registered), DELIVERY.pick(rng),
        surname, name, patronymic, email, phone, platform_name(rng, muni), place, code, text, body.name,
    ]  # fmt: skip
    prolonged = registered + timedelta(days=rng.randrange(20, 30)) if rng.random() < SHARE_EXTENDED else None
    forwarded = None
    if rng.random() < SHARE_FORWARDED:
        late = rng.random() < SHARE_FORWARDED_LATE
        days = rng.randrange(8, 20) if late else rng.randrange(1, 8)
        target = rng.choice([o for o in catalog.organisations if o.code != getattr(body, "code", "")])
        forwarded = (target.name, registered + timedelta(days=days))
    due = 30 + (30 if prolonged else 0)
    days = (
        rng.randrange(due + 1, due + 40)
        if rng.random() < SHARE_LATE
        else max(3, min(due, round(rng.lognormvariate(2.9, 0.35))))
    )
    replied = registered + timedelta(days=days)
    if forwarded is not None and rng.random() < 0.7:
        replied = None  # forwarded: the answer is the competent body's, not in this EDMS
    return Card(
        5_000_001 + seq, str(row[1]), registered, row, prolonged, forwarded, replied, RESULTS.pick(rng)
    )


def _state(card: Card, as_of: date) -> list[object]:
    """The card's row as the EDMS shows it at the end of ``as_of``."""
    prolonged = card.prolonged if card.prolonged and card.prolonged <= as_of else None
    fwd = card.forwarded if card.forwarded and card.forwarded[1] <= as_of else None
    replied = card.replied if card.replied and card.replied <= as_of else None
    changed = max(d for d in (card.registered, prolonged, fwd[1] if fwd else None, replied) if d is not None)
    return [
        *card.row,
        ru_date(prolonged) if prolonged else "",
        fwd[0] if fwd else "",
        ru_date(fwd[1]) if fwd else "",
        card.result if replied else "",
        ru_date(replied) if replied else "",
        ru_dt(datetime.combine(changed, datetime.min.time()) + timedelta(hours=17, minutes=card.isn % 60)),
    ]


def _spoil(rng: random.Random, bad: BadRows, row: list[object]) -> list[object]:
    row = list(row)
    kind = bad.kind(BAD_KINDS)
    if kind == "bad_date":
        row[2] = "не указана"
    elif kind == "unknown_result":
        row[17], row[18] = "рассмотрено", row[18] or row[2]
    else:
        registered = datetime.strptime(str(row[2]), "%d.%m.%Y").date()
        row[17], row[18] = "разъяснено", ru_date(registered - timedelta(days=rng.randrange(1, 30)))
    return row


def generate_written(
    out_dir: Path,
    catalog: Catalog,
    months: list[Month],
    count: int,
    seed: int,
    bad_rate: float,
    manifest: Manifest,
    progress: Progress | None,
    planter: Planter | None,
    links: list[PosAppeal],
) -> None:
    """``count`` written appeals over ``months``, one file per month."""
    folder = out_dir / "written"
    folder.mkdir(parents=True, exist_ok=True)
    rng = rng_for(seed, "written")
    end = months[-1].end.date() - timedelta(days=1)
    links = sorted(links, key=lambda a: a.appeal_id)
    per_month = [
        round(count * (i + 1) / len(months)) - round(count * i / len(months)) for i in range(len(months))
    ]
    pending: list[Card] = []
    seq = 0
    for month, n in zip(months, per_month, strict=True):
        month_end = month.end.date() - timedelta(days=1)
        fresh: list[Card] = []
        in_month = [a for a in links if month.start <= a.created < month.end - timedelta(days=2)]
        for _ in range(n):
            link = None
            if in_month and rng.random() < SHARE_SAME_PERSON:
                link = in_month[rng.randrange(len(in_month))]
            if link is not None:
                # on paper a few days after ПОС, in the same month (the all-channels view is monthly)
                registered = min(link.created.date() + timedelta(days=rng.randrange(1, 15)), month_end)
            else:
                registered = month.start.date() + timedelta(days=rng.randrange(month.days))
            fresh.append(_card(rng, catalog, seq, registered, link, planter))
            seq += 1
        # this month's file: the month's new cards, then older cards that changed this month
        changed = [
            c for c in pending if _state(c, month_end) != _state(c, month.start.date() - timedelta(days=1))
        ]
        bad = BadRows(rng_for(seed, "written-bad", month.index), bad_rate)
        rows = 0
        with (folder / file_name(month)).open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(HEADER)
            for card in sorted(fresh, key=lambda c: (c.registered, c.isn)) + changed:
                row = _state(card, month_end)
                rows += 1
                w.writerow(_spoil(rng, bad, row) if bad.next() else row)
        manifest.add(f"written/{file_name(month)}", "written", rows, bad.count)
        if progress is not None:
            progress("written", rows)
        pending = [
            c for c in pending + fresh
            if _state(c, end) != _state(c, month_end)
        ]  # fmt: skip
