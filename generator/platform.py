"""The regional participation platform («Активный горожанин»-style, the project's template,
docs/sources.md): ``platform/platform_messages_<YYYY-MM>.csv``, UTF-8 with BOM, ``;``,
``ДД.ММ.ГГГГ ЧЧ:ММ``, one message or initiative per row in its state at the end of the period.

In: the catalog, the months, the number of items, the seed and a bounded set of ПОС appeals
(generator/channels.py). Out: one file per month with the items created that month; a manifest entry
per file. About 80 % are messages and 20 % initiatives. A quarter of the messages are forwarded to ПОС
(«Передано в ПОС», «Номер ПОС», «Дата передачи в ПОС»): four in five carry the number of a ПОС appeal
the sample holds, one in five a number the ПОС exports do not hold (the appeal was made after the
period, or in another region's cabinet). About ``bad_rate`` of rows are bad (an unknown type or status,
an answer before the creation).
"""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from generator.catalog import Catalog
from generator.channels import PosAppeal
from generator.common import BadRows, Month, Picker, Progress, rng_for, ru_dt
from generator.geo import address, platform_name
from generator.manifest import Manifest
from generator.people import person
from generator.personal import Planter

HEADER = [
    "ID", "Номер", "Тип", "Дата создания", "Статус", "Категория", "Муниципалитет", "Адрес", "Текст",
    "Автор", "Email автора", "Телефон автора", "Номер ПОС", "Дата передачи в ПОС", "Дата ответа", "Голосов",
]  # fmt: skip
CATEGORIES = Picker(
    [
        "Дворы и благоустройство",
        "Отопление и горячая вода",
        "Водоснабжение",
        "Вывоз мусора",
        "Свалки",
        "Электроснабжение",
        "Дороги и тротуары",
        "Общественный транспорт",
        "Школы и детские сады",
        "Поликлиники и больницы",
        "Социальная поддержка",
        "Строительство и жильё",
        "Культура и досуг",
        "Безопасность",
        "Парковки",
    ],
    [0.20, 0.08, 0.06, 0.08, 0.03, 0.04, 0.18, 0.07, 0.05, 0.06, 0.04, 0.03, 0.04, 0.02, 0.02],
)  # fmt: skip  («Парковки» is not in the seed: it counts as «Не определено»)
MESSAGE_STATUS = Picker(["На модерации", "В работе", "Ответ дан", "Отклонено"], [0.05, 0.15, 0.70, 0.10])
INITIATIVE_STATUS = Picker(
    ["На модерации", "На голосовании", "Поддержана", "Реализована", "Отклонена"],
    [0.05, 0.35, 0.25, 0.15, 0.20],
)
BAD_KINDS = ("unknown_type", "unknown_status", "answer_before_creation")
SHARE_INITIATIVE = 0.2
SHARE_FORWARDED = 0.25
SHARE_FORWARDED_KNOWN = 0.8


def file_name(month: Month) -> str:
    return f"platform_messages_{month.label}.csv"


def generate_platform(
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
    """``count`` platform items over ``months``, one file per month."""
    folder = out_dir / "platform"
    folder.mkdir(parents=True, exist_ok=True)
    rng = rng_for(seed, "platform")
    munis = Picker(list(catalog.municipalities), [m.weight for m in catalog.municipalities])
    end = months[-1].end
    links = sorted(links, key=lambda a: a.appeal_id)
    used: set[int] = set()
    seq = 0
    for month in months:
        n = round(count * (month.index + 1) / len(months)) - round(count * month.index / len(months))
        bad = BadRows(rng_for(seed, "platform-bad", month.index), bad_rate)
        created_list = sorted(
            month.start + timedelta(minutes=rng.randrange(month.days * 1440)) for _ in range(n)
        )
        with (folder / file_name(month)).open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            w.writerow(HEADER)
            for created in created_list:
                seq += 1
                initiative = rng.random() < SHARE_INITIATIVE
                who = person(rng)
                muni = munis.pick(rng)
                place = address(rng, muni).text
                pos_number, forwarded, answered, votes = "", "", "", ""
                if initiative:
                    kind, status = "Инициатива", INITIATIVE_STATUS.pick(rng)
                    votes = str(int(rng.lognormvariate(4.0, 1.2)))
                else:
                    kind, status = "Сообщение", MESSAGE_STATUS.pick(rng)
                    if rng.random() < SHARE_FORWARDED:
                        status = "Передано в ПОС"
                        fwd_at = created + timedelta(hours=rng.uniform(1, 72))
                        link = None
                        if links and rng.random() < SHARE_FORWARDED_KNOWN:
                            cand = links[rng.randrange(len(links))]
                            if cand.appeal_id not in used:
                                link = cand
                        if link is not None:
                            used.add(link.appeal_id)
                            # the ПОС appeal was created from the message: the message came first
                            created = min(created, link.created - timedelta(hours=rng.uniform(1, 48)))
                            fwd_at = link.created
                            pos_number, place = link.pos_number, link.address or place
                            muni = next((m for m in catalog.municipalities if m.oktmo == link.oktmo), muni)
                        else:
                            pos_number = f"ПОС-{created.year}-9{rng.randrange(10**6):06d}"
                        forwarded = ru_dt(fwd_at)
                    elif status == "Ответ дан":
                        at = created + timedelta(hours=rng.lognormvariate(4.0, 0.8))
                        answered = ru_dt(at) if at < end else ""
                        status = status if answered else "В работе"
                category = CATEGORIES.pick(rng)
                text = f"{category}: прошу принять меры ({place})"
                if planter is not None:
                    text = planter.free_text("platform", text, seq, who)
                row: list[object] = [
                    7_000_000 + seq, f"АГ-{created:%y}-{seq:06d}", kind, ru_dt(created), status, category,
                    platform_name(rng, muni), place, text, who.full, who.email if rng.random() < 0.7 else "",
                    who.phone if rng.random() < 0.6 else "", pos_number, forwarded, answered, votes,
                ]  # fmt: skip
                if bad.next():
                    spoil = bad.kind(BAD_KINDS)
                    if spoil == "unknown_type":
                        row[2] = "Опрос"
                    elif spoil == "unknown_status":
                        row[4] = "Архив"
                    else:
                        row[4], row[14] = "Ответ дан", ru_dt(created - timedelta(hours=rng.uniform(1, 100)))
                w.writerow(row)
        manifest.add(f"platform/{file_name(month)}", "platform", n, bad.count)
        if progress is not None:
            progress("platform", n)
