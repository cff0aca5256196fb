"""Ministry submissions of programme indicators: ``indicators/indicators_<ministry>_<YYYY>_<NN>.xlsx``,
one sheet per submission in the project's template (docs/sources.md: metadata in rows 1–4, blank row
5, header in row 6, data from row 7).

In: the catalog, the months and the seed. Out: for each of eight ministries and each year the period
touches, a submission ``_01`` (plans for every period, facts for periods already over, a forecast for
the year) and for ~15 % of them a resubmission ``_02`` with a later ``Дата представления`` and some
plan/fact values changed. Numbers are numeric cells or, sometimes, text with a decimal comma.

Monthly and quarterly values of volume indicators are cumulative from 1 January (plan and fact «нарастающим
итогом»), as regional monitoring forms report them. The hard cases are made on purpose: mixed period
types (about half of the monthly and quarterly indicators also get a year row, without a ministry
forecast), and facts of 0 (a decreasing indicator that reached zero, ~10 % of its periods; an increasing
volume still at 0 in its first period, ~10 %).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from generator import xlsx
from generator.catalog import Catalog
from generator.common import BadRows, Month, Progress, rng_for, ru_dt, ru_num
from generator.manifest import Manifest
from generator.personal import Planter

HEADER = [
    "Код показателя",
    "Наименование показателя",
    "Государственная программа",
    "Национальный проект",
    "Региональный проект",
    "Код ОКЕИ",
    "Единица измерения",
    "Направленность",
    "Тип периода",
    "Период",
    "План",
    "Факт",
    "Прогноз",
    "Комментарий",
]
MONTHS_RU = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
QUARTERS = ["I", "II", "III", "IV"]
BAD_KINDS = ("plan_text", "period_label", "empty_code")
PCT = ("744", "Процент")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    programme: str
    national: str
    regional: str
    okei: tuple[str, str]
    increasing: bool
    period: str  # Месяц / Квартал / Год
    plan: float  # yearly plan (for a share: the level)
    additive: bool  # volumes add up over the year; levels and shares do not
    digits: int


def _i(
    code: str,
    name: str,
    prog: str,
    nat: str,
    reg: str,
    okei: tuple[str, str],
    inc: bool,
    period: str,
    plan: float,
    additive: bool = False,
    digits: int = 1,
) -> Indicator:
    return Indicator(code, name, prog, nat, reg, okei, inc, period, plan, additive, digits)


GP_ZHKH = "Обеспечение доступным и комфортным жильём и коммунальными услугами граждан Республики Хакасия"
GP_HEALTH = "Развитие здравоохранения Республики Хакасия"
GP_EDU = "Развитие образования в Республике Хакасия"
GP_ROADS = "Развитие транспортной системы Республики Хакасия"
GP_SOC = "Социальная поддержка граждан Республики Хакасия"
GP_ECO = (
    "Охрана окружающей среды, воспроизводство и рациональное использование природных ресурсов"
    " Республики Хакасия"
)
GP_ENERGY = "Энергосбережение и повышение энергетической эффективности в Республике Хакасия"
NP_INFRA = "Инфраструктура для жизни"
RP_HOUSING = (
    "Обеспечение устойчивого сокращения непригодного для проживания жилищного фонда (Республика Хакасия)"
)
NP_LIFE = "Продолжительная и активная жизнь"
NP_ECO = "Экологическое благополучие"
NP_FAMILY = "Семья"
NP_YOUTH = "Молодёжь и дети"

# ministry org_code -> (submission number prefix, indicators)
MINISTRIES: dict[str, tuple[str, list[Indicator]]] = {
    "minstroy": (
        "МИНСТРОЙ",
        [
            _i(
                "СТР-01",
                "Количество введённого жилья, тыс. кв. м",
                GP_ZHKH,
                NP_INFRA,
                "Жильё (Республика Хакасия)",
                ("058", "Тысяча квадратных метров"),
                True,
                "Квартал",
                420.0,
                True,
            ),
            _i(
                "СТР-02",
                "Площадь расселённого аварийного жилищного фонда, тыс. кв. м",
                GP_ZHKH,
                NP_INFRA,
                RP_HOUSING,
                ("058", "Тысяча квадратных метров"),
                True,
                "Год",
                14.5,
                True,
            ),
            _i(
                "СТР-03",
                "Количество многоквартирных домов, в которых проведён капитальный ремонт",
                GP_ZHKH,
                "",
                "",
                ("642", "Единица"),
                True,
                "Квартал",
                160,
                True,
                0,
            ),
            _i(
                "СТР-04",
                "Доля населения, обеспеченного качественной питьевой водой",
                GP_ZHKH,
                NP_INFRA,
                "Чистая вода (Республика Хакасия)",
                PCT,
                True,
                "Год",
                91.5,
            ),
            _i(
                "СТР-05",
                "Количество аварий на объектах теплоснабжения",
                GP_ZHKH,
                "",
                "",
                ("642", "Единица"),
                False,
                "Месяц",
                96,
                True,
                0,
            ),
            _i(
                "СТР-06",
                "Уровень износа коммунальной инфраструктуры",
                GP_ZHKH,
                NP_INFRA,
                "Модернизация коммунальной инфраструктуры (Республика Хакасия)",
                PCT,
                False,
                "Год",
                58.0,
            ),
        ],
    ),
    "gzhi": (
        "ГЖИ",
        [
            _i(
                "ГЖИ-01",
                "Количество проведённых проверок управляющих организаций",
                GP_ZHKH,
                "",
                "",
                ("642", "Единица"),
                True,
                "Квартал",
                480,
                True,
                0,
            ),
            _i(
                "ГЖИ-02",
                "Доля обращений граждан, рассмотренных в установленный срок",
                GP_ZHKH,
                "",
                "",
                PCT,
                True,
                "Месяц",
                100.0,
            ),
            _i(
                "ГЖИ-03",
                "Количество выданных предписаний",
                GP_ZHKH,
                "",
                "",
                ("642", "Единица"),
                True,
                "Квартал",
                900,
                True,
                0,
            ),
            _i(
                "ГЖИ-04",
                "Доля устранённых нарушений от числа выявленных",
                GP_ZHKH,
                "",
                "",
                PCT,
                True,
                "Год",
                85.0,
            ),
            _i(
                "ГЖИ-05",
                "Сумма наложенных административных штрафов, тыс. руб.",
                GP_ZHKH,
                "",
                "",
                ("384", "Тысяча рублей"),
                True,
                "Год",
                5200.0,
                True,
            ),
        ],
    ),
    "minprirody": (
        "МИНПРИРОДЫ",
        [
            _i(
                "ЭКО-01",
                "Доля ТКО, направленных на обработку",
                GP_ECO,
                NP_ECO,
                "Формирование комплексной системы обращения с ТКО (Республика Хакасия)",
                PCT,
                True,
                "Квартал",
                52.0,
            ),
            _i(
                "ЭКО-02",
                "Доля захораниваемых ТКО",
                GP_ECO,
                NP_ECO,
                "Формирование комплексной системы обращения с ТКО (Республика Хакасия)",
                PCT,
                False,
                "Год",
                78.0,
            ),
            _i(
                "ЭКО-03",
                "Количество ликвидированных несанкционированных свалок",
                GP_ECO,
                NP_ECO,
                "",
                ("642", "Единица"),
                True,
                "Квартал",
                60,
                True,
                0,
            ),
            _i(
                "ЭКО-04",
                "Площадь лесовосстановления, га",
                GP_ECO,
                NP_ECO,
                "Сохранение лесов (Республика Хакасия)",
                ("059", "Гектар"),
                True,
                "Год",
                4300.0,
                True,
                0,
            ),
            _i(
                "ЭКО-05",
                "Количество контейнерных площадок, оборудованных для раздельного сбора",
                GP_ECO,
                NP_ECO,
                "",
                ("796", "Штука"),
                True,
                "Квартал",
                240,
                True,
                0,
            ),
            _i(
                "ЭКО-06",
                "Площадь лесных пожаров, тыс. га",
                GP_ECO,
                "",
                "",
                ("061", "Тысяча гектаров"),
                False,
                "Год",
                12.0,
                True,
            ),
        ],
    ),
    "gkenergo": (
        "ГКЭНЕРГО",
        [
            _i(
                "ЭН-01",
                "Уровень газификации населённых пунктов",
                GP_ENERGY,
                NP_INFRA,
                "",
                PCT,
                True,
                "Квартал",
                9.8,
            ),
            _i(
                "ЭН-02",
                "Количество домовладений, подключённых к газу в рамках догазификации",
                GP_ENERGY,
                NP_INFRA,
                "",
                ("642", "Единица"),
                True,
                "Месяц",
                1800,
                True,
                0,
            ),
            _i(
                "ЭН-03",
                "Средняя продолжительность отключений электроэнергии на одного потребителя, ч",
                GP_ENERGY,
                "",
                "",
                ("356", "Час"),
                False,
                "Квартал",
                6.5,
            ),
            _i(
                "ЭН-04",
                "Протяжённость построенных и реконструированных электрических сетей, км",
                GP_ENERGY,
                "",
                "",
                ("008", "Километр"),
                True,
                "Год",
                85.0,
                True,
            ),
            _i(
                "ЭН-05",
                "Доля потерь электрической энергии в сетях",
                GP_ENERGY,
                "",
                "",
                PCT,
                False,
                "Год",
                11.2,
            ),
        ],
    ),
    "minobr": (
        "МИНОБРНАУКИ",
        [
            _i(
                "ОБР-01",
                "Доступность дошкольного образования для детей в возрасте от 1,5 до 3 лет",
                GP_EDU,
                NP_YOUTH,
                "Всё лучшее детям (Республика Хакасия)",
                PCT,
                True,
                "Квартал",
                98.5,
            ),
            _i(
                "ОБР-02",
                "Количество капитально отремонтированных зданий школ",
                GP_EDU,
                NP_YOUTH,
                "Всё лучшее детям (Республика Хакасия)",
                ("642", "Единица"),
                True,
                "Год",
                9,
                True,
                0,
            ),
            _i("ОБР-03", "Доля обучающихся во вторую смену", GP_EDU, NP_YOUTH, "", PCT, False, "Год", 11.0),
            _i(
                "ОБР-04",
                "Охват детей дополнительным образованием",
                GP_EDU,
                NP_YOUTH,
                "Успех каждого ребёнка (Республика Хакасия)",
                PCT,
                True,
                "Квартал",
                82.0,
            ),
            _i(
                "ОБР-05",
                "Количество созданных мест в детских садах",
                GP_EDU,
                NP_YOUTH,
                "",
                ("642", "Единица"),
                True,
                "Год",
                420,
                True,
                0,
            ),
            _i(
                "ОБР-06",
                "Доля выпускников, не получивших аттестат о среднем общем образовании",
                GP_EDU,
                "",
                "",
                PCT,
                False,
                "Год",
                0.8,
                False,
                2,
            ),
            _i(
                "ОБР-07",
                "Количество педагогов, получивших меры поддержки «Земский учитель»",
                GP_EDU,
                NP_YOUTH,
                "",
                ("792", "Человек"),
                True,
                "Год",
                35,
                True,
                0,
            ),
        ],
    ),
    "minzdrav": (
        "МИНЗДРАВ",
        [
            _i(
                "ЗДР-01",
                "Младенческая смертность, на 1000 родившихся живыми",
                GP_HEALTH,
                NP_FAMILY,
                "",
                ("642", "Единица"),
                False,
                "Квартал",
                4.9,
                False,
                2,
            ),
            _i(
                "ЗДР-02",
                "Смертность от болезней системы кровообращения, на 100 тыс. населения",
                GP_HEALTH,
                NP_LIFE,
                "Борьба с сердечно-сосудистыми заболеваниями (Республика Хакасия)",
                ("642", "Единица"),
                False,
                "Квартал",
                560.0,
            ),
            _i(
                "ЗДР-03",
                "Охват граждан профилактическими осмотрами и диспансеризацией",
                GP_HEALTH,
                NP_LIFE,
                "",
                PCT,
                True,
                "Месяц",
                72.0,
            ),
            _i(
                "ЗДР-04",
                "Укомплектованность медицинских организаций врачами",
                GP_HEALTH,
                NP_LIFE,
                "Модернизация первичного звена здравоохранения (Республика Хакасия)",
                PCT,
                True,
                "Квартал",
                86.0,
            ),
            _i(
                "ЗДР-05",
                "Доля вызовов скорой помощи со временем доезда до 20 минут",
                GP_HEALTH,
                "",
                "",
                PCT,
                True,
                "Месяц",
                89.0,
            ),
            _i(
                "ЗДР-06",
                "Ожидаемая продолжительность жизни при рождении, лет",
                GP_HEALTH,
                NP_LIFE,
                "",
                ("366", "Год"),
                True,
                "Год",
                71.4,
            ),
            _i(
                "ЗДР-07",
                "Количество построенных и реконструированных ФАП",
                GP_HEALTH,
                NP_LIFE,
                "Модернизация первичного звена здравоохранения (Республика Хакасия)",
                ("642", "Единица"),
                True,
                "Год",
                12,
                True,
                0,
            ),
            _i(
                "ЗДР-08",
                "Обеспеченность льготными лекарствами по выписанным рецептам",
                GP_HEALTH,
                "",
                "",
                PCT,
                True,
                "Месяц",
                99.5,
            ),
        ],
    ),
    "mintrans": (
        "МИНТРАНС",
        [
            _i(
                "ДОР-01",
                "Доля отремонтированных автомобильных дорог регионального значения",
                GP_ROADS,
                NP_INFRA,
                "Региональная и местная дорожная сеть (Республика Хакасия)",
                PCT,
                True,
                "Квартал",
                61.0,
            ),
            _i(
                "ДОР-02",
                "Протяжённость отремонтированных автомобильных дорог, км",
                GP_ROADS,
                NP_INFRA,
                "Региональная и местная дорожная сеть (Республика Хакасия)",
                ("008", "Километр"),
                True,
                "Квартал",
                140.0,
                True,
            ),
            _i(
                "ДОР-03",
                "Количество мест концентрации ДТП на дорогах регионального значения",
                GP_ROADS,
                NP_INFRA,
                "",
                ("642", "Единица"),
                False,
                "Год",
                18,
                True,
                0,
            ),
            _i(
                "ДОР-04",
                "Количество выполненных рейсов на социально значимых маршрутах",
                GP_ROADS,
                "",
                "",
                ("642", "Единица"),
                True,
                "Месяц",
                96000,
                True,
                0,
            ),
            _i(
                "ДОР-05",
                "Доля автобусов, соответствующих нормативному сроку эксплуатации",
                GP_ROADS,
                NP_INFRA,
                "",
                PCT,
                True,
                "Год",
                64.0,
            ),
            _i(
                "ДОР-06",
                "Затраты труда на содержание дорог в зимний период, тыс. чел.-ч",
                GP_ROADS,
                "",
                "",
                ("539", "Человеко-час"),
                False,
                "Квартал",
                210.0,
                True,
            ),
        ],
    ),
    "minsoc": (
        "МИНСОЦЗАЩИТЫ",
        [
            _i(
                "СОЦ-01",
                "Доля граждан, получивших социальные услуги в общей численности обратившихся",
                GP_SOC,
                NP_LIFE,
                "",
                PCT,
                True,
                "Квартал",
                97.0,
            ),
            _i(
                "СОЦ-02",
                "Количество семей участников СВО, получивших меры поддержки",
                GP_SOC,
                NP_FAMILY,
                "",
                ("642", "Единица"),
                True,
                "Месяц",
                5400,
                True,
                0,
            ),
            _i("СОЦ-03", "Уровень бедности", GP_SOC, NP_FAMILY, "", PCT, False, "Год", 15.1),
            _i(
                "СОЦ-04",
                "Количество заключённых социальных контрактов",
                GP_SOC,
                NP_FAMILY,
                "",
                ("642", "Единица"),
                True,
                "Квартал",
                2600,
                True,
                0,
            ),
            _i(
                "СОЦ-05",
                "Объём выплаченного единого пособия, млн руб.",
                GP_SOC,
                NP_FAMILY,
                "",
                ("385", "Миллион рублей"),
                True,
                "Месяц",
                6200.0,
                True,
            ),
            _i(
                "СОЦ-06",
                "Средний срок назначения мер социальной поддержки, дней",
                GP_SOC,
                "",
                "",
                ("359", "Сутки"),
                False,
                "Квартал",
                7.0,
            ),
        ],
    ),
}
COMMENTS = [
    "",
    "",
    "",
    "Данные предварительные",
    "Отклонение связано с погодными условиями",
    "Показатель уточнён по данным Росстата",
    "Ожидается достижение по итогам года",
    "Отставание из-за сроков заключения контрактов",
]


def _periods(ind: Indicator, year: int) -> list[tuple[str, datetime, float]]:
    """(label, end of the period, share of the year) of each period of the indicator in ``year``."""
    if ind.period == "Год":
        return [(str(year), datetime(year + 1, 1, 1), 1.0)]
    if ind.period == "Квартал":
        return [
            (f"{q} квартал {year}", datetime(year + (i == 3), 1 if i == 3 else 3 * i + 4, 1), 0.25)
            for i, q in enumerate(QUARTERS)
        ]
    out = []
    for m in range(1, 13):
        end = datetime(year + (m == 12), 1 if m == 12 else m + 1, 1)
        label = f"{MONTHS_RU[m - 1]} {year}" if (m + year) % 3 else f"{m:02d}.{year}"
        out.append((label, end, 1 / 12))
    return out


def _num(rng: random.Random, value: float, digits: int) -> object:
    value = round(value, digits)
    if rng.random() < 0.2:
        return ru_num(value, digits)
    return int(value) if digits == 0 else value


# Shares of the hard cases (see the module docstring).
MIXED_YEAR_ROW, ZERO_FACT_DECREASING, ZERO_FACT_FIRST_PERIOD = 0.5, 0.10, 0.10


def _rows(rng: random.Random, ind: Indicator, year: int, submitted: datetime) -> list[list[object]]:
    rows = []
    periods = [(ind.period, label, end, share) for label, end, share in _periods(ind, year)]
    if ind.period != "Год" and rng.random() < MIXED_YEAR_ROW:
        periods.append(("Год", str(year), datetime(year + 1, 1, 1), 1.0))
    cumulative = 0.0
    for number, (period_type, label, end, share) in enumerate(periods):
        cumulative = 1.0 if period_type == "Год" else cumulative + share
        plan = ind.plan * (cumulative if ind.additive else 1.0) * (1 + rng.uniform(-0.01, 0.01))
        if not ind.additive and not ind.increasing:
            plan *= 1.0 - 0.02 * (year - 2025)
        skew = rng.gauss(-0.01, 0.06)
        fact = plan * (1 + (skew if ind.increasing else -skew)) if end <= submitted else None
        if fact is not None and ind.okei == PCT:
            fact = min(fact, 100.0)
        if fact is not None and not ind.increasing and rng.random() < ZERO_FACT_DECREASING:
            fact = 0.0
        elif fact is not None and ind.increasing and ind.additive and number == 0:
            fact = 0.0 if rng.random() < ZERO_FACT_FIRST_PERIOD else fact
        native_year = period_type == "Год" and ind.period == "Год"
        forecast = plan * (1 + rng.gauss(0, 0.03)) if native_year or label.startswith("IV") else None
        rows.append(
            [
                ind.code,
                ind.name,
                ind.programme,
                ind.national or None,
                ind.regional or None,
                ind.okei[0],
                ind.okei[1],
                "Возрастающий" if ind.increasing else "Убывающий",
                period_type,
                label,
                _num(rng, plan, ind.digits),
                None if fact is None else _num(rng, fact, ind.digits),
                None if forecast is None else _num(rng, forecast, ind.digits),
                rng.choice(COMMENTS) or None,
            ]
        )
    return rows


def _resubmit(rng: random.Random, rows: list[list[object]]) -> list[list[object]]:
    """A corrected copy: some plans and facts changed."""
    out = []
    for row in rows:
        row = list(row)
        for col in (10, 11):
            v = row[col]
            if v is not None and rng.random() < 0.3:
                x = float(str(v).replace(",", ".")) * (1 + rng.uniform(-0.05, 0.05))
                row[col] = (
                    round(x, 2) if isinstance(v, float) else int(x) if isinstance(v, int) else ru_num(x, 1)
                )
        if rng.random() < 0.2:
            row[13] = "Уточнённые данные"
        out.append(row)
    return out


def _spoil(row: list[object], kind: str) -> None:
    if kind == "plan_text":
        row[10] = "12,5,3"
    elif kind == "period_label":
        row[8], row[9] = "Квартал", "V квартал 2026"
    else:
        row[0] = None


def _write(
    path: Path,
    ministry: str,
    number: str,
    submitted: datetime,
    as_text: bool,
    rows: list[list[object]],
    bad: BadRows,
) -> int:
    wb = xlsx.new_workbook()
    ws = wb.create_sheet(number)
    ws.append(["Министерство", ministry])
    ws.append(["Дата представления", ru_dt(submitted) if as_text else submitted])
    ws.append(["Номер представления", number])
    ws.append(["Версия шаблона", "1.0"])
    ws.append([])
    ws.append(HEADER)
    for row in rows:
        if bad.next():
            row = list(row)
            _spoil(row, bad.kind(BAD_KINDS))
        ws.append(row)
    xlsx.save(wb, path)
    return len(rows)


def generate_indicators(
    out_dir: Path,
    catalog: Catalog,
    months: list[Month],
    seed: int,
    bad_rate: float,
    manifest: Manifest,
    progress: Progress | None = None,
    planter: Planter | None = None,
) -> None:
    folder = out_dir / "indicators"
    folder.mkdir(parents=True, exist_ok=True)
    first, last = months[0].start, months[-1].end
    for code, (prefix, indicators) in MINISTRIES.items():
        ministry = catalog.org(code).name
        for year in range(first.year, last.year + (last.month > 1 or last.day > 1)):
            rng = rng_for(seed, "indicators", code, year)
            if year < (last - timedelta(days=1)).year:
                submitted = datetime(year + 1, 1, 15, 10) + timedelta(minutes=rng.randrange(10 * 24 * 60))
            else:
                submitted = last - timedelta(minutes=rng.randrange(8 * 24 * 60, 12 * 24 * 60))
            rows = [r for ind in indicators for r in _rows(rng, ind, year, submitted)]
            if planter is not None:
                for i, row in enumerate(rows):
                    row[13] = planter.indicator_comment(row[13], code, year, i)
            versions = [(1, submitted, rows)]
            if rng.random() < 0.15 or (code == "minzdrav" and year == first.year):
                later = submitted + timedelta(days=rng.randrange(3, 8), minutes=rng.randrange(600))
                versions.append((2, later, _resubmit(rng, rows)))
            for nn, when, data in versions:
                name = f"indicators_{code}_{year}_{nn:02d}.xlsx"
                bad = BadRows(rng_for(seed, "indicators-bad", code, year, nn), bad_rate)
                n = _write(
                    folder / name, ministry, f"{prefix}-{year}-{nn:02d}", when, rng.random() < 0.2, data, bad
                )
                manifest.add(f"indicators/{name}", "indicators", n, bad.count)
                if progress:
                    progress(f"indicators/{name}", n)
