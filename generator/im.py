"""Инцидент Менеджмент exports: ``im/im_incidents_<YYYY-MM>.xlsx``, one sheet, the 47 columns of the
real export in its order (docs/sources.md; split into ``im_incidents_<YYYY-MM>_<part>.xlsx`` only past
1,000,000 rows).

In: the catalog, the number of incidents, the months and the seed. Out: the workbooks (openpyxl
write-only, so rows stream to disk) and a manifest entry per file. The value shapes of real exports
are reproduced: points in time as text ``ГГГГ-ММ-ДД ЧЧ:ММ:СС``, durations as Excel day fractions
formatted ``[ч]:мм:сс``, the free-text columns starting with an apostrophe in every row (``'`` alone
when there is no text), «Объект старый» and «Теги» empty, «Вовлеченность» mostly empty. ~80 % get a
first response within 8 working hours. Data real exports do not carry (ratings, sentiment, social
network, the author's name) is not generated here.
"""

from __future__ import annotations

import random
from collections import deque
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl.cell import WriteOnlyCell

from generator import texts, xlsx
from generator.catalog import Catalog
from generator.common import (
    BadRows,
    Month,
    Picker,
    Progress,
    apportion,
    excel_days,
    rng_for,
)
from generator.geo import UNPLACED, address, platform_name
from generator.manifest import Manifest
from generator.orgs import OrgChooser
from generator.people import Person, person, translit
from generator.personal import Planter
from generator.seasons import daily_counts, im_topic_picker, month_volume_weight, times_of_day
from generator.surveys import IM, SurveyWriter
from generator.worktime import WorkCalendar

# The real export's header (docs/sources.md, «Инцидент Менеджмент»), in its order and spelling; the
# generator keeps its own copy, so a reader test never passes because both read one list.
HEADER = [
    "Кабинет",
    "ID",
    "Номер инцидента",
    "Отдел",
    "Исполнитель",
    "Общее время первого ответа",
    "Общий текст первого ответа",
    "Время с даты создания инцидента до времени первого ответа",
    "Время с даты создания инцидента до времени первого ответа, рабочее время",
    "Время назначения последнего исполнителя",
    "Время 1го ответа ПИ",
    "Первая реакция с момента назн. ПИ",
    "Уложились или нет после назн. ПИ",
    "Время с начала создания инцидента до окончания",
    "Время отправки первого ответа ПИ на согласование",
    "Время, которое первый ответ ПИ находился на согласовании",
    "Текущий шаг инцидента",
    "Дата создания",
    "Дата окончания",
    "Группа тем",
    "Тема",
    "Регион",
    "Муниципалитет",
    "Населенный пункт",
    "Улица",
    "Дом",
    "Объект старый",
    "Объект",
    "Тип инцидента",
    "Итог",
    "Есть медиафайл в ответе",
    "Есть медиафайл в сообщении",
    "Урл поста",
    "Урл блога",
    "Текст инцидента",
    "1ый ответ ПИ",
    "2ой ответ ПИ",
    "3ий ответ ПИ",
    "Причина закрытия",
    "Аудитория",
    "Вовлеченность",
    "URL автора",
    "Аккаунт публикации ответа",
    "Теги",
    "Примечание",
    "Время попадания на шаг оценка удовлетворенности",
    "Опрос отправлен",
]
MAX_ROWS = 1_000_000
REGION = "Республика Хакасия"
# «Муниципалитет» in the platform's own spellings («Абакан г.о.», «Аскизский р-н» …, geo.platform_name);
# this share of incidents the platform itself could not place (geo.UNPLACED).
IM_UNPLACED_SHARE = 0.02
# Hard cases: repeats (the author of a recent incident writes again on the same topic from the same
# place) and incidents the executor never answered (half still open, half closed without a response);
# the authors' satisfaction ratings go to the survey file only (surveys.py).
REPEAT_SHARE = 0.08
UNANSWERED_SHARE = 0.04
RATINGS = ((1, 2, 3, 4, 5), (0.15, 0.1, 0.15, 0.25, 0.35))
# the columns an incident nobody answered leaves blank (by name: the header may be re-laid out)
UNANSWERED_BLANK = (
    "Общее время первого ответа",
    "Общий текст первого ответа",
    "Время с даты создания инцидента до времени первого ответа",
    "Время с даты создания инцидента до времени первого ответа, рабочее время",
    "Время 1го ответа ПИ",
    "1ый ответ ПИ",
    "2ой ответ ПИ",
    "Первая реакция с момента назн. ПИ",
    "Время отправки первого ответа ПИ на согласование",
    "Время, которое первый ответ ПИ находился на согласовании",
)
STILL_OPEN_BLANK = ("Дата окончания", "Время с начала создания инцидента до окончания")
CABINET = "Республика Хакасия"
DURATION_FORMAT = "[h]:mm:ss"
SECTOR_GROUPS = {
    "zhkh": "ЖКХ",
    "roads": "Дороги",
    "health": "Здравоохранение",
    "education": "Образование",
    "transport": "Общественный транспорт",
    "social": "Социальное обслуживание и защита",
    "tko": "Обращение с отходами",
    "energy": "Энергетика",
    "construction": "Строительство и архитектура",
}
NETWORKS = Picker(["ВКонтакте", "Одноклассники", "Telegram"], [0.6, 0.2, 0.2])
OUTCOMES_SOLVABLE = Picker(["Решено", "Разъяснено", "Не решено", "Отложено", None], [45, 30, 8, 7, 10])
OUTCOMES_INFO = Picker(["Разъяснено", None], [80, 20])
CLOSING = Picker(
    [
        "Автор доволен",
        "Нет ответа от автора",
        "Дальнейший диалог нецелесообразен",
        "Проблема решена",
        "Дан ответ по существу",
        "Дубликат",
    ],
    [30, 30, 12, 15, 10, 3],
)
BAD_KINDS = ("created_text", "audience_text", "empty_id")
COLUMN = {name: i for i, name in enumerate(HEADER)}


def file_names(month: Month, rows: int) -> list[tuple[str, int]]:
    """(file name, rows in it) of a month: one file, or parts of at most a million rows."""
    if rows <= MAX_ROWS:
        return [(f"im_incidents_{month.label}.xlsx", rows)]
    parts = (rows + MAX_ROWS - 1) // MAX_ROWS
    sizes = apportion(rows, [1.0] * parts)
    return [(f"im_incidents_{month.label}_{i}.xlsx", n) for i, n in enumerate(sizes, start=1)]


def _urls(rng: random.Random, network: str, author_login: str) -> tuple[str, str]:
    if network == "ВКонтакте":
        return (
            f"https://vk.com/wall-{rng.randrange(10**7, 10**8)}_{rng.randrange(1, 99999)}",
            f"https://vk.com/id{rng.randrange(10**6, 10**9)}",
        )
    if network == "Одноклассники":
        return (
            f"https://ok.ru/group/{rng.randrange(10**13, 10**14)}/topic/{rng.randrange(10**14, 10**15)}",
            f"https://ok.ru/profile/{rng.randrange(10**11, 10**12)}",
        )
    chat = rng.choice(["abakan_online", "chernogorsk_chat", "khakasia_news", "sayanogorsk24", "ust_abakan"])
    return f"https://t.me/{chat}/{rng.randrange(1, 200000)}", f"https://t.me/{author_login}"


class _Row:
    """Builds one incident row (47 values)."""

    def __init__(self, seed: int, catalog: Catalog, planter: Planter | None = None) -> None:
        self._catalog = catalog
        self._planter = planter
        self._orgs = OrgChooser(catalog)
        self._work = WorkCalendar(catalog)
        self._munis = Picker(catalog.municipalities, [m.weight for m in catalog.municipalities])
        self._seed = seed
        # recent (created, topic, municipality, place, network, author, author URL): repeats are drawn
        # from those of the last 30 days, the most recent more often (as ПОС repeats, pos_model.py)
        self._recent: deque[tuple[datetime, object, object, object, str, object, str]] = deque(maxlen=4096)
        self.last_rating: tuple[int, datetime] | None = None

    def _post(self, text: str, incident_id: int, author: Person) -> str:
        """The post as the author wrote it, personal data planted in some (generator/personal.py)."""
        return text if self._planter is None else self._planter.post(text, incident_id, author)

    def build(
        self, rng: random.Random, incident_id: int, created: datetime, topic_picker: Picker
    ) -> list[object]:
        topic = topic_picker.pick(rng)
        muni = self._munis.pick(rng)
        place = address(rng, muni)
        repeat_of = None
        if self._recent and rng.random() < REPEAT_SHARE:
            for _ in range(4):
                candidate = self._recent[len(self._recent) - 1 - int(rng.random() ** 2 * len(self._recent))]
                if timedelta(0) <= created - candidate[0] <= timedelta(days=30):
                    repeat_of = candidate[1:]
                    break
        if repeat_of is not None:
            topic, muni, place = repeat_of[0], repeat_of[1], repeat_of[2]  # type: ignore[assignment]
        org = self._orgs.choose(rng, topic.sector_code, muni.oktmo)
        executor = person(rng)
        author = person(rng) if repeat_of is None else repeat_of[4]  # type: ignore[assignment]
        answered = rng.random() >= UNANSWERED_SHARE
        still_open = not answered and rng.random() < 0.5
        assigned = created + timedelta(minutes=min(600, int(15 * rng.lognormvariate(0, 1.0))) + 1)
        work_secs = min(200 * 3600.0, 3.0 * 3600 * rng.lognormvariate(0.0, 1.15))
        first = self._work.add(assigned, work_secs).replace(microsecond=0)
        finished = first + timedelta(hours=min(24 * 30, 20 * rng.lognormvariate(0.0, 1.2)))
        finished = finished.replace(microsecond=0)
        approval = rng.random() < 0.3
        solvable = rng.random() < 0.75
        survey = solvable and rng.random() < 0.6
        network = NETWORKS.pick(rng) if repeat_of is None else repeat_of[3]
        login = f"{translit(author.name)}_{translit(author.surname)}{rng.randrange(100)}"
        post_url, author_url = _urls(rng, network, login)
        if repeat_of is not None:
            author_url = repeat_of[5]
        self._recent.append((created, topic, muni, place, network, author, author_url))
        rated = survey and answered and rng.random() < 0.5
        rating = rng.choices(*RATINGS)[0] if rated else None
        self.last_rating = (
            (rating, finished + timedelta(hours=min(24 * 10, 6 * rng.lognormvariate(0.0, 1.0))))
            if rating is not None
            else None
        )
        group = topic.topic_group or (
            topic.topic[: -len(" прочее")]
            if topic.topic.endswith(" прочее")
            else SECTOR_GROUPS.get(topic.sector_code, "Прочее")
        )
        first_text = rng.choice(texts.IM_RESPONSES)
        second = rng.random() < 0.15
        audience = int(300 * rng.lognormvariate(0, 1.5)) + 10
        engagement = int(audience * rng.random() * 0.03) if rng.random() < 0.2 else None
        values: dict[str, object] = {
            "Кабинет": CABINET,
            "ID": incident_id,
            "Номер инцидента": f"ИНЦ-{created.year}-{incident_id:08d}",
            "Отдел": org.name,
            "Исполнитель": executor.short,
            "Общее время первого ответа": _dur(first - created),
            "Общий текст первого ответа": _tx(first_text),
            "Время с даты создания инцидента до времени первого ответа": _dur(first - created),
            "Время с даты создания инцидента до времени первого ответа, рабочее время": _dur(
                self._work.between(created, first)
            ),
            "Время назначения последнего исполнителя": _ts(assigned),
            "Время 1го ответа ПИ": _ts(first),
            "Первая реакция с момента назн. ПИ": _dur(first - assigned),
            "Уложились или нет после назн. ПИ": "Да" if work_secs <= 8 * 3600 else "-",
            "Время с начала создания инцидента до окончания": _dur(finished - created),
            "Время отправки первого ответа ПИ на согласование": _ts(first - timedelta(minutes=30))
            if approval
            else None,
            "Время, которое первый ответ ПИ находился на согласовании": _dur(timedelta(minutes=25))
            if approval
            else None,
            "Текущий шаг инцидента": "Оценка удовлетворенности"
            if survey and rng.random() < 0.5
            else "Готово",
            "Дата создания": _ts(created),
            "Дата окончания": _ts(finished),
            "Группа тем": group,
            "Тема": topic.topic,
            "Регион": REGION,
            "Муниципалитет": UNPLACED if rng.random() < IM_UNPLACED_SHARE else platform_name(rng, muni),
            "Населенный пункт": place.settlement,
            "Улица": place.street,
            "Дом": place.house,
            "Объект": None,
            "Тип инцидента": "Решаемый" if solvable else "Информационный",
            "Итог": (OUTCOMES_SOLVABLE if solvable else OUTCOMES_INFO).pick(rng),
            "Есть медиафайл в ответе": "Да" if rng.random() < 0.1 else "Нет",
            "Есть медиафайл в сообщении": "Да" if rng.random() < 0.3 else "Нет",
            "Урл поста": post_url,
            "Урл блога": post_url.rsplit("/", 1)[0],
            "Текст инцидента": _tx(
                self._post(texts.post_text(rng, topic.topic, place.settlement), incident_id, author)
            ),
            "1ый ответ ПИ": _tx(first_text),
            "2ой ответ ПИ": _tx(rng.choice(texts.IM_RESPONSES) if second else None),
            "3ий ответ ПИ": _tx(None),
            "Причина закрытия": CLOSING.pick(rng),
            "Аудитория": audience,
            "Вовлеченность": engagement,
            "URL автора": author_url,
            "Аккаунт публикации ответа": f"Администрация {muni.short_name}",
            "Примечание": None,
            "Время попадания на шаг оценка удовлетворенности": _ts(finished) if survey else None,
            "Опрос отправлен": "Да" if survey else "Нет",
        }
        if not answered:
            values.update(dict.fromkeys(UNANSWERED_BLANK))
            values["Уложились или нет после назн. ПИ"] = "-"
            if still_open:
                values.update(dict.fromkeys(STILL_OPEN_BLANK))
        return [values.get(h) for h in HEADER]


def _ts(x: datetime) -> str:
    """A point in time as real exports write it: text ``ГГГГ-ММ-ДД ЧЧ:ММ:СС``, local time."""
    return x.strftime("%Y-%m-%d %H:%M:%S")


def _tx(s: str | None) -> str:
    """Free text as real exports write it: after an apostrophe, which alone means no text."""
    return "'" + (s or "")


def _dur(delta: timedelta | float) -> float:
    return excel_days(delta)


def _spoil(row: list[object], kind: str) -> None:
    if kind == "created_text":
        row[COLUMN["Дата создания"]] = "вчера"
    elif kind == "audience_text":
        row[COLUMN["Аудитория"]] = "много"
    else:
        row[COLUMN["ID"]] = None


DURATION_COLUMNS = frozenset(
    COLUMN[h]
    for h in (
        "Общее время первого ответа",
        "Время с даты создания инцидента до времени первого ответа",
        "Время с даты создания инцидента до времени первого ответа, рабочее время",
        "Первая реакция с момента назн. ПИ",
        "Время с начала создания инцидента до окончания",
        "Время, которое первый ответ ПИ находился на согласовании",
    )
)


def _cells(ws: object, row: list[object]) -> list[object]:
    """Duration cells carry the ``[ч]:мм:сс`` format of real exports; the rest are plain values."""
    out: list[object] = []
    for i, value in enumerate(row):
        if i in DURATION_COLUMNS and isinstance(value, float):
            cell = WriteOnlyCell(ws, value)
            cell.number_format = DURATION_FORMAT
            out.append(cell)
        else:
            out.append(value)
    return out


def generate_im(
    out_dir: Path,
    catalog: Catalog,
    months: list[Month],
    incidents: int,
    seed: int,
    bad_rate: float,
    manifest: Manifest,
    progress: Progress | None = None,
    survey: SurveyWriter | None = None,
    planter: Planter | None = None,
) -> None:
    """The monthly ИМ exports; the authors' satisfaction ratings go to ``survey``; ``planter`` puts
    personal data into the posts."""
    folder = out_dir / "im"
    folder.mkdir(parents=True, exist_ok=True)
    builder = _Row(seed, catalog, planter)
    per_month = apportion(incidents, [month_volume_weight(catalog, m) for m in months])
    next_id = 5_000_001
    for month, count in zip(months, per_month, strict=True):
        rng = rng_for(seed, "im", month.index)
        topics = im_topic_picker(seed, catalog, month.start.month)
        moments = (
            t
            for day_no, n in enumerate(daily_counts(catalog, month, count))
            for t in times_of_day(rng, month.start + timedelta(days=day_no), n)
        )
        for part_no, (name, rows) in enumerate(file_names(month, count)):
            bad = BadRows(rng_for(seed, "im-bad", month.index, part_no), bad_rate)
            wb = xlsx.new_workbook()
            ws = wb.create_sheet("Инциденты")
            ws.append(HEADER)
            for _ in range(rows):
                row = builder.build(rng, next_id, next(moments), topics)
                if survey is not None and builder.last_rating is not None:
                    rating, rated_at = builder.last_rating
                    survey.add(IM, next_id, str(row[COLUMN["Номер инцидента"]]), rating, rated_at)
                next_id += 1
                if bad.next():
                    _spoil(row, bad.kind(BAD_KINDS))
                ws.append(_cells(ws, row))
            xlsx.save(wb, folder / name)
            manifest.add(f"im/{name}", "im", rows, bad.count)
            if progress:
                progress(f"im/{name}", rows)
