"""Инцидент Менеджмент exports: ``im/im_incidents_<YYYY-MM>.xlsx``, one sheet, the 47 columns of
docs/sources.md in order (split into ``im_incidents_<YYYY-MM>_<part>.xlsx`` only past 1,000,000 rows).

In: the catalog, the number of incidents, the months and the seed. Out: the workbooks (openpyxl
write-only, so rows stream to disk) and a manifest entry per file. Quirks of real exports are
reproduced: durations as Excel day fractions, ~10 % of date cells as text ``ДД.ММ.ГГГГ ЧЧ:ММ``, text
cells starting with an apostrophe in ~30 % of rows. ~80 % get a first response within 8 working hours.
Hard cases: ~8 % are repeats (the author of a recent incident writes again on the same topic from
the same place), ~4 % are never answered by the executor (half of them still open, half closed without
a response), and the authors' satisfaction ratings go to the survey file only (``surveys.py``).
"""

from __future__ import annotations

import random
from collections import deque
from datetime import datetime, timedelta
from pathlib import Path

from ingestion.generate import texts, xlsx
from ingestion.generate.catalog import Catalog
from ingestion.generate.common import (
    BadRows,
    Month,
    Picker,
    Progress,
    apportion,
    excel_days,
    rng_for,
    ru_dt,
)
from ingestion.generate.geo import address
from ingestion.generate.manifest import Manifest
from ingestion.generate.orgs import OrgChooser
from ingestion.generate.people import person, translit
from ingestion.generate.seasons import daily_counts, im_topic_picker, month_volume_weight, times_of_day
from ingestion.generate.surveys import IM, SurveyWriter
from ingestion.generate.worktime import WorkCalendar

HEADER = [
    "ID",
    "Номер инцидента",
    "Отдел",
    "Исполнитель",
    "Дата создания",
    "Дата окончания",
    "Время с даты создания инцидента до времени первого ответа",
    "Время с даты создания инцидента до времени первого ответа, рабочее время",
    "Время 1го ответа ПИ",
    "Уложились или нет после назн. ПИ",
    "Текущий шаг инцидента",
    "Группа тем",
    "Тема",
    "Регион",
    "Муниципалитет",
    "Населенный пункт",
    "Улица",
    "Дом",
    "Тип инцидента",
    "Итог",
    "Причина закрытия",
    "Текст инцидента",
    "1ый ответ ПИ",
    "Урл поста",
    "URL автора",
    "Аудитория",
    "Вовлеченность",
    "Опрос отправлен",
    "Время с начала создания инцидента до окончания",
    "Социальная сеть",
    "Тип источника",
    "Автор",
    "Дата публикации",
    "Дата назначения ПИ",
    "Просрочен",
    "Время с назначения ПИ до первого ответа",
    "Время с назначения ПИ до первого ответа, рабочее время",
    "Плановое время ответа",
    "Оценка",
    "Комментарий к оценке",
    "Тональность",
    "Повторный",
    "Количество комментариев",
    "Количество репостов",
    "Количество лайков",
    "Модератор",
    "Дата последнего изменения",
]
MAX_ROWS = 1_000_000
REGION = "Республика Хакасия"
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
SOURCE_TYPES = Picker(["Пост", "Комментарий", "Сообщение в сообществе"], [0.5, 0.35, 0.15])
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
SENTIMENT = Picker(["Негативная", "Нейтральная", "Позитивная"], [60, 33, 7])
BAD_KINDS = ("created_text", "audience_text", "empty_id")
REPEAT_SHARE = 0.08
UNANSWERED_SHARE = 0.04
# the columns an incident nobody answered leaves blank (by name: the header may be re-laid out)
UNANSWERED_BLANK = (
    "Время с даты создания инцидента до времени первого ответа",
    "Время с даты создания инцидента до времени первого ответа, рабочее время",
    "Время 1го ответа ПИ",
    "1ый ответ ПИ",
    "Время с назначения ПИ до первого ответа",
    "Время с назначения ПИ до первого ответа, рабочее время",
    "Первая реакция с момента назн. ПИ",
)
STILL_OPEN_BLANK = ("Дата окончания", "Время с начала создания инцидента до окончания")


def _blank(row: list[object], names: tuple[str, ...]) -> None:
    for name in names:
        if name in HEADER:
            row[HEADER.index(name)] = None


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

    def __init__(self, seed: int, catalog: Catalog) -> None:
        self._catalog = catalog
        self._orgs = OrgChooser(catalog)
        self._work = WorkCalendar(catalog)
        self._munis = Picker(catalog.municipalities, [m.weight for m in catalog.municipalities])
        self._seed = seed
        # recent (created, topic, municipality, place, network, author, author URL): repeats are drawn
        # from those of the last 30 days, the most recent more often (as ПОС repeats, pos_model.py)
        self._recent: deque[tuple[datetime, object, object, object, str, object, str]] = deque(maxlen=4096)
        self.last_rating: tuple[int, datetime] | None = None

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
        moderator = person(rng)
        answered = rng.random() >= UNANSWERED_SHARE
        still_open = not answered and rng.random() < 0.5
        published = created - timedelta(minutes=rng.randrange(1, 180))
        assigned = created + timedelta(minutes=min(600, int(15 * rng.lognormvariate(0, 1.0))) + 1)
        work_secs = min(200 * 3600.0, 3.0 * 3600 * rng.lognormvariate(0.0, 1.15))
        first = self._work.add(assigned, work_secs).replace(microsecond=0)
        due = self._work.add(assigned, 8 * 3600)
        finished = first + timedelta(hours=min(24 * 30, 20 * rng.lognormvariate(0.0, 1.2)))
        finished = finished.replace(microsecond=0)
        solvable = rng.random() < 0.75
        survey = solvable and rng.random() < 0.6
        rated = survey and rng.random() < 0.5
        network = NETWORKS.pick(rng) if repeat_of is None else repeat_of[3]
        login = f"{translit(author.name)}_{translit(author.surname)}{rng.randrange(100)}"
        post_url, author_url = _urls(rng, network, login)
        if repeat_of is not None:
            author_url = repeat_of[5]
        self._recent.append((created, topic, muni, place, network, author, author_url))
        rating = (
            rng.choices((1, 2, 3, 4, 5), (0.15, 0.1, 0.15, 0.25, 0.35))[0] if rated and answered else None
        )
        self.last_rating = (
            (rating, finished + timedelta(hours=min(24 * 10, 6 * rng.lognormvariate(0.0, 1.0))))
            if rating is not None
            else None
        )
        text_mode = rng.random() < 0.10
        apostrophe = rng.random() < 0.30
        group = topic.topic_group or (
            topic.topic[: -len(" прочее")]
            if topic.topic.endswith(" прочее")
            else SECTOR_GROUPS.get(topic.sector_code, "Прочее")
        )

        def dt(x: datetime) -> object:
            return ru_dt(x) if text_mode else x

        def tx(s: str) -> str:
            return "'" + s if apostrophe else s

        audience = int(300 * rng.lognormvariate(0, 1.5)) + 10
        likes = int(audience * rng.random() * 0.02)
        comments = int(audience * rng.random() * 0.01)
        reposts = int(likes * rng.random() * 0.3)
        row: list[object] = [
            incident_id,
            f"ИНЦ-{created.year}-{incident_id:08d}",
            org.name,
            executor.short,
            dt(created),
            dt(finished),
            excel_days(first - created),
            excel_days(self._work.between(created, first)),
            dt(first),
            "Да" if work_secs <= 8 * 3600 else "-",
            "Оценка удовлетворенности" if survey and not rated else "Готово",
            group,
            topic.topic,
            REGION,
            muni.short_name if rng.random() < 0.5 else muni.name,
            place.settlement,
            place.street,
            place.house,
            "Решаемый" if solvable else "Информационный",
            (OUTCOMES_SOLVABLE if solvable else OUTCOMES_INFO).pick(rng),
            CLOSING.pick(rng),
            tx(texts.post_text(rng, topic.topic, place.settlement)),
            tx(rng.choice(texts.IM_RESPONSES)),
            post_url,
            author_url,
            audience,
            likes + comments + reposts,
            "Да" if survey else "Нет",
            excel_days(finished - created),
            network,
            SOURCE_TYPES.pick(rng),
            f"{author.name} {author.surname}",
            dt(published),
            dt(assigned),
            "Нет" if first <= due else "Да",
            excel_days(first - assigned),
            excel_days(work_secs),
            dt(due.replace(microsecond=0)),
            rating,
            rng.choice(texts.RATING_COMMENTS) or None if rating is not None else None,
            SENTIMENT.pick(rng),
            "Да" if rng.random() < 0.07 else "Нет",
            comments,
            reposts,
            likes,
            moderator.short,
            dt(finished + timedelta(minutes=rng.randrange(0, 240))),
        ]
        if not answered:
            _blank(row, UNANSWERED_BLANK)
            row[HEADER.index("Уложились или нет после назн. ПИ")] = "-"
            if still_open:
                _blank(row, STILL_OPEN_BLANK)
        return row


def _spoil(row: list[object], kind: str) -> None:
    if kind == "created_text":
        row[4] = "вчера"
    elif kind == "audience_text":
        row[25] = "много"
    else:
        row[0] = None


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
) -> None:
    """The monthly IM exports; the authors' satisfaction ratings go to ``survey``."""
    folder = out_dir / "im"
    folder.mkdir(parents=True, exist_ok=True)
    builder = _Row(seed, catalog)
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
                    survey.add(IM, next_id, str(row[1]), rating, rated_at)
                next_id += 1
                if bad.next():
                    _spoil(row, bad.kind(BAD_KINDS))
                ws.append(row)
            xlsx.save(wb, folder / name)
            manifest.add(f"im/{name}", "im", rows, bad.count)
            if progress:
                progress(f"im/{name}", rows)
