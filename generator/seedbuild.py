"""Builds the reference seeds in ``<repo>/dbt/seeds`` from the shared reference files and static lists.

In: the folder with ``khakassia_municipalities.csv``, ``ru_production_calendar.csv``,
``ru_production_calendar_2027_provisional.csv`` and ``im_topics.csv`` (the reference folder of the
project's notes, outside this repository: its path is the one argument).
Out: ``ref_municipalities.csv``, ``ref_production_calendar.csv``, ``ref_sectors.csv``,
``ref_organisations.csv``, ``ref_pos_subjects.csv`` and ``ref_im_topic_sectors.csv``.

Run once (``python -m generator.seedbuild <reference dir>``); the seeds are committed and the
generator and dbt read them. The ИНН, КПП and ОГРН of the organisations are synthetic: correctly
shaped (10, 9 and 13 digits, with valid check digits) but not the real registrations.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from core.paths import DBT_DIR
from generator.geo import SETTLEMENTS

SEEDS_DIR = DBT_DIR / "seeds"

# Relative share of appeals by municipality (roughly by population; sums to 1).
MUNICIPALITY_WEIGHTS = {
    "95701000": 0.300,  # Абакан
    "95715000": 0.130,  # Черногорск
    "95708000": 0.100,  # Саяногорск
    "95630000": 0.090,  # Усть-Абаканский
    "95608000": 0.075,  # Аскизский
    "95605000": 0.055,  # Алтайский
    "95635000": 0.055,  # Ширинский
    "95612000": 0.035,  # Бейский
    "95702000": 0.035,  # Абаза
    "95625000": 0.035,  # Таштыпский
    "95615000": 0.030,  # Боградский
    "95620000": 0.025,  # Орджоникидзевский
    "95709000": 0.025,  # Сорск
}

SECTORS = [
    ("zhkh", "ЖКХ", "minstroy"),
    ("tko", "ТКО", "minprirody"),
    ("energy", "Энергетика", "gkenergo"),
    ("education", "Образование", "minobr"),
    ("health", "Здравоохранение", "minzdrav"),
    ("roads", "Дороги", "mintrans"),
    ("transport", "Транспорт", "mintrans"),
    ("social", "Социальная защита", "minsoc"),
    ("construction", "Строительство и жилищная политика", "minstroy"),
    ("undefined", "Не определено", ""),
]

# (org_code, name, sector, address) of the executive bodies (ОИВ).
OIV = [
    (
        "minstroy",
        "Министерство строительства и жилищно-коммунального хозяйства Республики Хакасия",
        "construction",
        "г. Абакан, ул. Щетинкина, д. 18",
    ),
    (
        "gzhi",
        "Государственная жилищная инспекция Республики Хакасия",
        "zhkh",
        "г. Абакан, ул. Вокзальная, д. 13",
    ),
    (
        "minprirody",
        "Министерство природных ресурсов и экологии Республики Хакасия",
        "tko",
        "г. Абакан, ул. Вяткина, д. 6",
    ),
    (
        "gkenergo",
        "Государственный комитет энергетики и тарифного регулирования Республики Хакасия",
        "energy",
        "г. Абакан, ул. Пушкина, д. 36",
    ),
    (
        "minobr",
        "Министерство образования и науки Республики Хакасия",
        "education",
        "г. Абакан, ул. Ленина, д. 67",
    ),
    (
        "minzdrav",
        "Министерство здравоохранения Республики Хакасия",
        "health",
        "г. Абакан, ул. Крылова, д. 72",
    ),
    (
        "mintrans",
        "Министерство транспорта и дорожного хозяйства Республики Хакасия",
        "roads",
        "г. Абакан, ул. Чертыгашева, д. 104",
    ),
    (
        "minsoc",
        "Министерство социальной защиты Республики Хакасия",
        "social",
        "г. Абакан, ул. Чертыгашева, д. 65",
    ),
]

# ОМСУ: administration name by OKTMO, and its address.
OMSU = {
    "95701000": ("Администрация города Абакана", "г. Абакан, ул. Щетинкина, д. 10"),
    "95702000": ("Администрация города Абазы", "г. Абаза, ул. Ленина, д. 20а"),
    "95708000": ("Администрация города Саяногорска", "г. Саяногорск, мкр. Советский, д. 1"),
    "95709000": ("Администрация города Сорска", "г. Сорск, ул. Кирова, д. 3"),
    "95715000": ("Администрация города Черногорска", "г. Черногорск, ул. Советская, д. 66"),
    "95605000": ("Администрация Алтайского района", "с. Белый Яр, ул. Ленина, д. 74"),
    "95608000": ("Администрация Аскизского района", "с. Аскиз, ул. Суворова, д. 2"),
    "95612000": ("Администрация Бейского района", "с. Бея, ул. Площадь Советов, д. 20"),
    "95615000": ("Администрация Боградского района", "с. Боград, ул. Новая, д. 10"),
    "95620000": ("Администрация Орджоникидзевского района", "п. Копьёво, ул. Кирова, д. 16"),
    "95625000": ("Администрация Таштыпского района", "с. Таштып, ул. Ленина, д. 35"),
    "95630000": ("Администрация Усть-Абаканского района", "рп Усть-Абакан, ул. Карла Маркса, д. 9"),
    "95635000": ("Администрация Ширинского района", "с. Шира, ул. Октябрьская, д. 79"),
}

RSO = [
    ("rso_teplo", "ООО «Хакасская тепловая компания»", "zhkh", "г. Абакан, ул. Пирятинская, д. 1"),
    ("rso_vodokanal", "ООО «Водоканал Хакасии»", "zhkh", "г. Абакан, ул. Советская, д. 56"),
    (
        "rso_tko",
        "ООО «Региональный оператор по обращению с ТКО Республики Хакасия»",
        "tko",
        "г. Абакан, ул. Кирова, д. 120",
    ),
    ("rso_energo", "АО «Хакасская энергосбытовая компания»", "energy", "г. Абакан, ул. Пушкина, д. 28"),
]

# (subject_id, subject_name, sector, [(subsubject_id, subsubject_name), ...])
POS_SUBJECTS = [
    (
        101,
        "Отопление",
        "zhkh",
        [
            (10101, "Низкая температура в квартире"),
            (10102, "Отсутствие отопления"),
            (10103, "Начало и окончание отопительного сезона"),
        ],
    ),
    (
        102,
        "Водоснабжение и водоотведение",
        "zhkh",
        [
            (10201, "Отсутствие холодной воды"),
            (10202, "Отсутствие горячей воды"),
            (10203, "Засор канализации"),
        ],
    ),
    (
        201,
        "Вывоз мусора",
        "tko",
        [
            (20101, "Несвоевременный вывоз мусора"),
            (20102, "Переполненные контейнерные площадки"),
            (20103, "Несанкционированная свалка"),
            (20104, "Начисления за вывоз ТКО"),
        ],
    ),
    (
        301,
        "Электроснабжение",
        "energy",
        [
            (30101, "Отключение электроэнергии"),
            (30102, "Перепады напряжения"),
            (30103, "Технологическое присоединение"),
        ],
    ),
    (302, "Газоснабжение", "energy", [(30201, "Газификация домовладений")]),
    (
        401,
        "Образование",
        "education",
        [
            (40101, "Запись в детский сад"),
            (40102, "Питание в школе"),
            (40103, "Ремонт здания школы"),
            (40104, "Школьный автобус"),
            (40105, "Дополнительное образование"),
        ],
    ),
    (
        501,
        "Здравоохранение",
        "health",
        [
            (50101, "Запись к врачу"),
            (50102, "Лекарственное обеспечение"),
            (50103, "Работа скорой медицинской помощи"),
            (50104, "Нехватка врачей"),
            (50105, "Качество медицинской помощи"),
        ],
    ),
    (
        601,
        "Дороги",
        "roads",
        [
            (60101, "Ямы на дорогах"),
            (60102, "Уборка снега и наледи"),
            (60103, "Ремонт дорог"),
            (60104, "Освещение дорог"),
            (60105, "Дорожные знаки и разметка"),
        ],
    ),
    (
        701,
        "Общественный транспорт",
        "transport",
        [
            (70101, "Нарушение расписания"),
            (70102, "Изменение маршрута"),
            (70103, "Состояние остановок"),
            (70104, "Стоимость проезда"),
        ],
    ),
    (
        801,
        "Социальная поддержка",
        "social",
        [
            (80101, "Назначение пособий"),
            (80102, "Задержка выплат"),
            (80103, "Льготы пенсионерам и ветеранам"),
            (80104, "Поддержка семей участников СВО"),
            (80105, "Социальное обслуживание на дому"),
        ],
    ),
    (
        901,
        "Строительство и жильё",
        "construction",
        [
            (90101, "Переселение из аварийного жилья"),
            (90102, "Капитальный ремонт МКД"),
            (90103, "Проблемные объекты долевого строительства"),
            (90104, "Предоставление жилья"),
        ],
    ),
    (951, "Благоустройство", "undefined", [(95101, "Благоустройство дворов"), (95102, "Детские площадки")]),
    (999, "Прочее", "undefined", [(99901, "Прочие вопросы"), (99902, "Вопрос вне компетенции")]),
]

# Topic group of the real export -> sector (the groups seen in im_topics.csv).
GROUP_SECTORS = {
    "ЖКХ": "zhkh",
    "Дороги": "roads",
    "Здравоохранение": "health",
    "Образование": "education",
    "Общественный транспорт": "transport",
    "Социальное обслуживание и защита": "social",
    "Благоустройство": "undefined",
    "Физическая культура и спорт": "undefined",
}

# Topics the keyword rules would put in the wrong sector.
TOPIC_OVERRIDES = {
    "Подтопление автомобильных дорог из-за дождей, работа и ремонт ливневых канализаций": "roads",
    "Железнодорожный транспорт": "transport",
    "Обустройство покрытия в общественных местах (кроме парковок)": "undefined",
}

# Keyword rules, tried in this order; the first sector with a matching pattern wins.
TOPIC_RULES: list[tuple[str, str]] = [
    ("tko", r"мусор|\bтко\b|отход|полигон|свалк"),
    ("energy", r"электр(?!онн)|(?<![а-я])газ(?!он)|энергетик|топлив"),
    (
        "zhkh",
        r"жкх|отоплен|отопит|водоснаб|водоотвед|канализ|\bвод[ыау]\b|водонапор|водоразбор|\bмкд\b|лифт"
        r"|управляющ|ресурсоснабж|приборы учета|кровл|с крыш|подъезд|коммунал|бани",
    ),
    (
        "education",
        r"школ|детск\w* сад|\bдоу\b|\bсош\b|образоват|(?<!цено)образован|учител|педагог|\bегэ\b|олимпиад|учащ"
        r"|студен|\bвуз|дневник|домашние задания|кружк|воспитател",
    ),
    (
        "health",
        r"медиц|медпомощ|больни|врач|лекарств|здравоохран|аптек|скорая|диспансериз|вакцинация$"
        r"|донорств|медработ|поликлин|коронавирус|обследован|молочная кухня",
    ),
    ("roads", r"дорог|дорож|\bям|тротуар|пешеход|светофор|разметк|\bмост|обочин|автозимник|парковк|парковок"),
    ("transport", r"транспорт|маршрут|автобус|остановоч|проезд|такси|автовокзал|автостанц|подвижн"),
    (
        "social",
        r"пособ|пенси|(?<!а)социальн|маломобильн|инвалид|малоимущ|сирот|ветеран|опек|материнск|субсиди|прожиточн"
        r"|многодетн|бомж|усыновлен|^поддержка (?!бизнеса)",
    ),
    (
        "construction",
        r"строител|строительств|жил[ьоиы]|жилищ|переселен|реноваци|дольщик|ипотек"
        r"|капитальный ремонт|аварийн|застройк|архитектур",
    ),
]


def topic_sector(topic: str, group: str) -> str:
    """The sector of an Инцидент Менеджмент topic: by its group if known, else by keyword rules."""
    if topic in TOPIC_OVERRIDES:
        return TOPIC_OVERRIDES[topic]
    if group in GROUP_SECTORS:
        return GROUP_SECTORS[group]
    low = topic.lower()
    for sector, pattern in TOPIC_RULES:
        if re.search(pattern, low):
            return sector
    return "undefined"


def _inn(serial: int) -> str:
    digits = [int(c) for c in f"19{serial:07d}"]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 % 10
    return "".join(map(str, digits)) + str(check)


def _ogrn(serial: int, year: int) -> str:
    body = f"1{year % 100:02d}19{serial:07d}"
    return body + str(int(body) % 11 % 10)


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (SEEDS_DIR / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def build(reference: Path) -> None:
    """Write every seed from the reference folder ``reference``."""
    SEEDS_DIR.mkdir(parents=True, exist_ok=True)
    with (reference / "khakassia_municipalities.csv").open(encoding="utf-8") as fh:
        munis = list(csv.DictReader(fh))
    # centre_latitude / centre_longitude: the administrative centre (first settlement of geo.SETTLEMENTS),
    # used by dbt to place an appeal by its coordinates when its address names no municipality.
    header = [*munis[0].keys(), "weight", "centre_latitude", "centre_longitude"]
    _write(
        "ref_municipalities.csv",
        header,
        [
            [
                *m.values(),
                f"{MUNICIPALITY_WEIGHTS[m['oktmo']]:.3f}",
                f"{SETTLEMENTS[m['oktmo']][0][1]:.4f}",
                f"{SETTLEMENTS[m['oktmo']][0][2]:.4f}",
            ]
            for m in munis
        ],
    )

    cal: list[list[object]] = []
    for fname, provisional in (
        ("ru_production_calendar.csv", "false"),
        ("ru_production_calendar_2027_provisional.csv", "true"),
    ):
        with (reference / fname).open(encoding="utf-8") as fh:
            cal += [[r["date"], r["kind"], r["note"], provisional] for r in csv.DictReader(fh)]
    _write("ref_production_calendar.csv", ["date", "kind", "note", "is_provisional"], cal)

    names = {code: name for code, name, _, _ in OIV}
    _write(
        "ref_sectors.csv",
        ["sector_code", "sector_name", "responsible_body", "responsible_org_code", "sort_order"],
        [[c, n, names.get(o, ""), o, i] for i, (c, n, o) in enumerate(SECTORS, start=1)],
    )

    orgs: list[list[object]] = []
    serial = 1000
    oiv_due = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for code, name, sector, address in OIV:
        serial += 7
        orgs.append(
            [
                code,
                name,
                "ОИВ",
                sector,
                "",
                _inn(serial),
                f"19010{serial % 10}001",
                _ogrn(serial, 2 + serial % 15),
                f"0.2{next(oiv_due)}.",
                address,
            ]
        )
    omsu_due = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for m in munis:
        serial += 11
        name, address = OMSU[m["oktmo"]]
        orgs.append(
            [
                f"omsu_{m['oktmo']}",
                name,
                "ОМСУ",
                "",
                m["oktmo"],
                _inn(serial),
                f"19{m['oktmo'][3:5]}01001",
                _ogrn(serial, 2 + serial % 15),
                f"0.3{next(omsu_due)}.",
                address,
            ]
        )
    rso_due = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for code, name, sector, address in RSO:
        serial += 13
        orgs.append(
            [
                code,
                name,
                "РСО",
                sector,
                "",
                _inn(serial),
                "190101001",
                _ogrn(serial, 5 + serial % 15),
                f"0.4{next(rso_due)}.",
                address,
            ]
        )
    _write(
        "ref_organisations.csv",
        [
            "org_code",
            "org_name",
            "org_kind",
            "sector_code",
            "oktmo",
            "inn",
            "kpp",
            "ogrn",
            "delo_due",
            "address",
        ],
        orgs,
    )

    _write(
        "ref_pos_subjects.csv",
        ["subject_id", "subject_name", "subsubject_id", "subsubject_name", "sector_code"],
        [
            [sid, sname, ssid, ssname, sector]
            for sid, sname, sector, subs in POS_SUBJECTS
            for ssid, ssname in subs
        ],
    )

    with (reference / "im_topics.csv").open(encoding="utf-8") as fh:
        topics = list(csv.DictReader(fh))
    _write(
        "ref_im_topic_sectors.csv",
        ["topic", "topic_group", "sector_code"],
        [[t["topic"], t["topic_group"], topic_sector(t["topic"], t["topic_group"])] for t in topics],
    )


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) != 2:
        sys.exit("usage: python -m generator.seedbuild <folder of the reference files>")
    build(Path(sys.argv[1]))
