"""«Дело» exports: four successive full snapshots of DOC_RC, RESOLUTION, REPLY and DEPARTMENT, as
``delo/delo_<YYYYMMDDTHHMM>_<table>.csv`` (UTF-8 with BOM, ``;``, ``ДД.ММ.ГГГГ`` dates,
``UPD_DATE`` as ``ДД.ММ.ГГГГ ЧЧ:ММ:СС``).

In: the catalog, the number of поручения, the months and the seed. Out: the files and their manifest
entries. Every поручение is simulated once with its whole future (deadline extensions, execution
mark, removal from control); each export replays the same random stream and writes the state as of
its timestamp, so nothing is held in memory and successive exports differ only by what happened in
between: new documents, moved PLAN_DATEs (~15 %, some twice), FACT_DATEs (on time ~70 %, late ~15 %),
overdue ones without a FACT_DATE, and ~5 % removed from control (CONTROL_STATE 0 with a RESUME).

The hard cases the warehouse must get right are made on purpose: поручения executed and then removed
from control (FACT_DATE kept, RESUME «в связи с исполнением», ~25 % of the executed), deadlines moved
after the fact (after a late execution, to cover it, ~40 % of the late ones; after an overdue deadline
had passed, ~50 % of the overdue ones), sub-поручения (ISN_PARENT_RESOLUTION) given by the parent's
responsible executor to one of its officials, поручения never on control (CONTROL_STATE 0 without
RESUME, «для сведения», ~5 %), and co-executors (MAIN_FLAG 0) with REPLY_DATEs of their own, some later
than the deadline, some missing.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

from generator.catalog import Catalog, Organisation
from generator.common import BadRows, Month, Progress, rng_for, ru_date
from generator.manifest import Manifest
from generator.people import person
from generator.personal import Planter

HEADERS = {
    "doc_rc": ["ISN_DOC", "FREE_NUM", "DOC_DATE", "DOCGROUP_NAME", "ANNOTAT"],
    "resolution": [
        "ISN_RESOLUTION",
        "ISN_REF_DOC",
        "ISN_PARENT_RESOLUTION",
        "DUE",
        "RESOLUTION_TEXT",
        "RESOLUTION_DATE",
        "PLAN_DATE",
        "INTERIM_DATE",
        "FACT_DATE",
        "CONTROL_STATE",
        "DUE_CONTROLLER",
        "SUMMARY",
        "RESUME",
    ],
    "reply": ["ISN_REPLY", "ISN_RESOLUTION", "DUE", "MAIN_FLAG", "REPLY_TEXT", "REPLY_DATE", "UPD_DATE"],
    "department": ["DUE", "ISN_NODE", "CLASSIF_NAME", "IS_NODE", "DELETED"],
}
GOV_DUE = "0.1A."
HEAD_DUE = "0.1A.01."
AUTHORS = ["0.1A.01.", "0.1A.01.", "0.1A.02.", "0.1A.03.", "0.1A.04."]
CONTROLLERS = ["0.1A.05.", "0.1A.06."]
GOV_OFFICIALS = [
    "Глава Республики Хакасия – Председатель Правительства Республики Хакасия",
    "Первый заместитель Главы Республики Хакасия – Председателя Правительства Республики Хакасия",
    "Заместитель Главы Республики Хакасия – Председателя Правительства Республики Хакасия",
    "Заместитель Председателя Правительства Республики Хакасия",
    "Руководитель Центра управления регионом Республики Хакасия",
    "Начальник управления контроля Аппарата Главы Республики Хакасия",
]
DOC_KINDS = [
    ("Протокол совещания у Главы Республики Хакасия", "ПР-{n}", 0.40),
    ("Протокол заседания Правительства Республики Хакасия", "{n}", 0.20),
    ("Распоряжение Главы Республики Хакасия – Председателя Правительства Республики Хакасия", "{n}-рп", 0.25),
    ("Постановление Правительства Республики Хакасия", "{n}-п", 0.15),
]
SUBJECTS = {
    "zhkh": ["О ходе отопительного сезона", "О подготовке объектов ЖКХ к зиме", "О качестве питьевой воды"],
    "tko": ["О работе регионального оператора по обращению с ТКО", "О ликвидации несанкционированных свалок"],
    "energy": ["О ходе догазификации", "О надёжности электроснабжения потребителей"],
    "education": ["О готовности школ к новому учебному году", "О ликвидации очередей в детские сады"],
    "health": ["О доступности первичной медико-санитарной помощи", "О лекарственном обеспечении льготников"],
    "roads": ["О ремонте автомобильных дорог", "О содержании дорог в зимний период"],
    "transport": ["Об организации пассажирских перевозок", "О транспортном обслуживании сёл"],
    "social": ["О мерах поддержки семей участников СВО", "О выплате единого пособия"],
    "construction": ["О переселении граждан из аварийного жилья", "О ходе капитального ремонта МКД"],
}
ACTIONS = [
    "Принять исчерпывающие меры",
    "Представить информацию о ходе работ",
    "Обеспечить исполнение решений",
    "Проработать предложения",
    "Организовать выездную проверку",
    "Взять на личный контроль работу",
]
EXPORT_HOUR = 6
BAD_KINDS = {
    "doc_rc": ("doc_date", "empty_isn"),
    "resolution": ("plan_date", "empty_isn", "control_state"),
    "reply": ("empty_resolution", "main_flag"),
    "department": ("empty_due", "is_node"),
}


def export_times(months: list[Month]) -> list[datetime]:
    """Four successive export moments: the ends of every quarter of the period (at 06:00 on the
    last day of a month when the period divides into four), else evenly spaced days."""
    n = len(months)
    if n % 4 == 0:
        ends = [months[n * k // 4 - 1].end - timedelta(days=1) for k in range(1, 5)]
    else:
        first, last = months[0].start, months[-1].end
        span = (last - first).days
        ends = [first + timedelta(days=max(1, span * k // 4) - 1) for k in range(1, 5)]
    return sorted({e.replace(hour=EXPORT_HOUR) for e in ends})


@dataclass
class Resolution:
    isn: int
    doc: int
    parent: int | None
    author: str
    text: str
    date: date
    plans: list[tuple[datetime, date]]  # (changed at, PLAN_DATE from then on)
    interim: date | None
    fact: date | None
    control: int
    controller: str
    removed: date | None
    replies: list[tuple[int, str, int, date | None]]  # (ISN_REPLY, executor DUE, MAIN_FLAG, REPLY_DATE)


@dataclass
class Document:
    isn: int
    free_num: str
    date: date
    kind: str
    annotat: str
    resolutions: list[Resolution]


def _at(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour)


class _Model:
    """Replays the documents and поручения of the period from the seed."""

    def __init__(self, catalog: Catalog, months: list[Month], total: int, seed: int, exports: list[datetime]):
        self.total = total
        self.seed = seed
        self.exports = exports
        self.start = months[0].start.date()
        self.span = max(10, (exports[-1].date() - self.start).days - 5)
        sectors = [s for s in catalog.sectors if s.responsible_org_code]
        self.sectors = sectors
        self.orgs = {o.code: o for o in catalog.organisations}
        self.omsu = [o for o in catalog.organisations if o.kind == "ОМСУ"]
        self.oiv = [o for o in catalog.organisations if o.kind == "ОИВ"]

    def documents(self) -> Iterator[Document]:
        rng = rng_for(self.seed, "delo")
        isn_res, isn_reply, isn_doc = 500_001, 800_001, 200_001
        counters: dict[tuple[str, int], int] = {}
        made = 0
        while made < self.total:
            d = self.start + timedelta(days=int(self.span * made / self.total) + rng.randrange(3))
            kind, pattern, _ = rng.choices(DOC_KINDS, [k[2] for k in DOC_KINDS])[0]
            key = (kind, d.year)
            counters[key] = counters.get(key, 0) + rng.randrange(1, 4)
            sector = self.sectors[rng.randrange(len(self.sectors))]
            annotat = rng.choice(SUBJECTS[sector.code])
            n = min(self.total - made, rng.randrange(1, 6))
            resolutions: list[Resolution] = []
            for _ in range(n):
                res = self._resolution(
                    rng, isn_res, isn_doc, d, sector.responsible_org_code, annotat, isn_reply, resolutions
                )
                isn_res += 1
                isn_reply += len(res.replies)
                resolutions.append(res)
            made += n
            yield Document(isn_doc, pattern.format(n=counters[key]), d, kind, annotat, resolutions)
            isn_doc += 1

    def _export_after(self, moment: datetime) -> datetime | None:
        """The first export taken at or after ``moment`` that is not the last one (a move made after
        it must still be seen by a later export); None when there is none."""
        return next((e for e in self.exports[:-1] if e >= moment), None)

    def _resolution(
        self,
        rng: random.Random,
        isn: int,
        doc: int,
        d: date,
        org_code: str,
        annotat: str,
        first_reply: int,
        siblings: list[Resolution],
    ) -> Resolution:
        res_date = d + timedelta(days=rng.randrange(0, 3))
        plan = res_date + timedelta(days=rng.choice((14, 30, 30, 45, 60, 90)))
        plans: list[tuple[datetime, date]] = [(_at(res_date, 9), plan)]
        if rng.random() < 0.15:
            for _ in range(2 if rng.random() < 0.3 else 1):
                changed = _at(plan - timedelta(days=rng.randrange(1, 6)), 11)
                plan = plan + timedelta(days=rng.choice((14, 21, 30, 45, 60)))
                plans.append((max(changed, plans[-1][0] + timedelta(hours=1)), plan))
        r = rng.random()
        fact: date | None = None
        removed: date | None = None
        if r < 0.70:
            fact = res_date + timedelta(days=rng.randrange(2, max(3, (plan - res_date).days + 1)))
        elif r < 0.85:
            fact = plan + timedelta(days=rng.randrange(1, 45))
        elif r < 0.90:
            removed = res_date + timedelta(days=rng.randrange(3, max(4, (plan - res_date).days)))
        # Executed, then removed from control: FACT_DATE stays, the RESUME says why.
        if fact is not None and rng.random() < 0.25:
            removed = fact + timedelta(days=rng.randrange(1, 15))
        # Deadlines moved after the fact: after a late execution (to cover it), or after an overdue
        # deadline had passed. Neither may turn late into on time. The move is made just after an
        # export that already shows the execution (or the passed deadline), so the exports prove it.
        if fact is not None and fact > plan and rng.random() < 0.4:
            shown = self._export_after(_at(fact, 16))
            if shown is not None:
                plans.append((shown + timedelta(hours=1), fact + timedelta(days=1)))
        elif fact is None and removed is None and rng.random() < 0.5:
            shown = self._export_after(_at(plan + timedelta(days=1), 0))
            if shown is not None:
                plans.append(
                    (shown + timedelta(hours=1), shown.date() + timedelta(days=rng.choice((14, 30))))
                )
        parent = siblings[-1] if siblings and rng.random() < 0.15 else None
        if parent is not None:
            # A sub-поручение: the parent's responsible executor passes it to one of its officials.
            replies: list[tuple[int, str, int, date | None]] = [
                (first_reply, f"{parent.replies[0][1]}01.", 1, fact)
            ]
        else:
            main = self.orgs[org_code]
            executors: list[Organisation] = [main]
            for _ in range(rng.choice((0, 0, 1, 2))):
                other = rng.choice(self.omsu + self.oiv)
                if other not in executors:
                    executors.append(other)
            replies = [(first_reply, main.delo_due, 1, fact)]
            for i, o in enumerate(executors[1:], start=1):
                # A co-executor reports on its own date: around the execution, some after the
                # deadline, ~20 % never.
                own = plan + timedelta(days=rng.randrange(-10, 15)) if rng.random() < 0.8 else None
                replies.append((first_reply + i, o.delo_due, 0, own))
        interim = res_date + (plan - res_date) / 2 if rng.random() < 0.3 else None
        text = f"{rng.choice(ACTIONS)} по вопросу «{annotat}»"
        never_controlled = removed is None and rng.random() < 0.05
        return Resolution(
            isn,
            doc,
            parent.isn if parent is not None else None,
            rng.choice(AUTHORS),
            text,
            res_date,
            plans,
            interim,
            fact,
            0 if never_controlled else 2 if rng.random() < 0.2 else 1,
            rng.choice(CONTROLLERS),
            removed,
            replies,
        )


def _departments(catalog: Catalog, seed: int, export_no: int) -> list[list[object]]:
    rng = rng_for(seed, "delo-department")
    rows: list[list[object]] = [[GOV_DUE, 4001, "Правительство Республики Хакасия", 1, 0]]
    isn = 4002
    for i, title in enumerate(GOV_OFFICIALS, start=1):
        p = person(rng)
        rows.append([f"{GOV_DUE}{i:02d}.", isn, f"{title} {p.short}", 0, 0])
        isn += 1
    for org in catalog.organisations:
        rows.append([org.delo_due, isn, org.name, 1, 0])
        isn += 1
        titles = {
            "ОИВ": ["Руководитель", "Заместитель руководителя", "Начальник отдела"],
            "ОМСУ": ["Глава", "Заместитель главы администрации"],
            "РСО": ["Генеральный директор", "Главный инженер"],
        }[org.kind]
        for j, title in enumerate(titles, start=1):
            p = person(rng)
            rows.append([f"{org.delo_due}{j:02d}.", isn, f"{title} {p.short}", 0, 0])
            isn += 1
        if org.kind == "ОИВ" and export_no >= 2 and rng.random() < 0.3:
            p = person(rng)
            rows.append([f"{org.delo_due}{len(titles) + 1:02d}.", isn, f"Консультант {p.short}", 0, 1])
            isn += 1
    return rows


class _Table:
    def __init__(self, fh: IO[str], name: str, bad: BadRows) -> None:
        self.writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        self.writer.writerow(HEADERS[name])
        self.name, self.bad, self.rows = name, bad, 0

    def write(self, row: list[object]) -> None:
        self.rows += 1
        if self.bad.next():
            kind = self.bad.kind(BAD_KINDS[self.name])
            if kind in {"doc_date", "plan_date"}:
                row[2 if kind == "doc_date" else 6] = "32.13.2026"
            elif kind in {"empty_isn", "empty_due"}:
                row[0] = ""
            elif kind == "control_state":
                row[9] = "да"
            elif kind == "empty_resolution":
                row[1] = ""
            elif kind == "main_flag":
                row[3] = "да"
            else:
                row[3] = "да"
        self.writer.writerow(row)


def _state(res: Resolution, at: datetime) -> tuple[date, date | None, int, str, str, datetime]:
    """PLAN_DATE, FACT_DATE, CONTROL_STATE, SUMMARY, RESUME and the last change as of ``at``."""
    plan = res.plans[0][1]
    changed = res.plans[0][0]
    for when, p in res.plans:
        if when <= at:
            plan, changed = p, when
    fact = res.fact if res.fact and _at(res.fact, 16) <= at else None
    control, resume, summary = res.control, "", ""
    if res.removed and _at(res.removed, 15) <= at:
        control = 0
        resume = (
            "Снято с контроля в связи с исполнением"
            if res.fact and res.fact <= res.removed
            else "Снято с контроля: вопрос утратил актуальность"
        )
        changed = max(changed, _at(res.removed, 15))
    if fact:
        summary = "Исполнено, информация направлена"
        changed = max(changed, _at(fact, 16))
    elif control and at.date() > plan:
        summary = "Срок исполнения истёк, информация не представлена"
    elif control:
        summary = "На исполнении"
    return plan, fact, control, summary, resume, changed


def generate_delo(
    out_dir: Path,
    catalog: Catalog,
    months: list[Month],
    resolutions: int,
    seed: int,
    bad_rate: float,
    manifest: Manifest,
    progress: Progress | None = None,
    planter: Planter | None = None,
) -> None:
    folder = out_dir / "delo"
    folder.mkdir(parents=True, exist_ok=True)
    exports = export_times(months)
    model = _Model(catalog, months, resolutions, seed, exports)
    for export_no, at in enumerate(exports, start=1):
        stamp = at.strftime("%Y%m%dT%H%M")
        names = {t: f"delo_{stamp}_{t}.csv" for t in HEADERS}
        handles = {t: (folder / n).open("w", encoding="utf-8-sig", newline="") for t, n in names.items()}
        try:
            tables = {
                t: _Table(fh, t, BadRows(rng_for(seed, "delo-bad", export_no, t), bad_rate))
                for t, fh in handles.items()
            }
            for row in _departments(catalog, seed, export_no):
                tables["department"].write(row)
            for doc in model.documents():
                if doc.date > at.date():
                    continue
                tables["doc_rc"].write([doc.isn, doc.free_num, ru_date(doc.date), doc.kind, doc.annotat])
                for res in doc.resolutions:
                    if _at(res.date, 9) > at:
                        continue
                    plan, fact, control, summary, resume, changed = _state(res, at)
                    tables["resolution"].write(
                        [
                            res.isn,
                            res.doc,
                            res.parent or "",
                            res.author,
                            res.text,
                            ru_date(res.date),
                            ru_date(plan),
                            ru_date(res.interim) if res.interim else "",
                            ru_date(fact) if fact else "",
                            control,
                            res.controller,
                            summary,
                            resume,
                        ]
                    )
                    for isn, due, main, reply_date in res.replies:
                        # Each executor's own report, once it is made (the responsible one's with
                        # the execution mark).
                        reported = reply_date if reply_date and _at(reply_date, 16) <= at else None
                        if main and fact is None:
                            reported = None
                        report = (
                            f"Информация об исполнении направлена письмом от {ru_date(reported)}"
                            if reported
                            else ""
                        )
                        if planter is not None:
                            report = planter.delo_report(report, isn)
                        tables["reply"].write(
                            [
                                isn,
                                res.isn,
                                due,
                                main,
                                report,
                                ru_date(reported) if reported else "",
                                changed.strftime("%d.%m.%Y %H:%M:%S"),
                            ]
                        )
        finally:
            for fh in handles.values():
                fh.close()
        for t, name in names.items():
            manifest.add(f"delo/{name}", "delo", tables[t].rows, tables[t].bad.count)
            if progress:
                progress(f"delo/{name}", tables[t].rows)
