"""ПОС exports: one file per month, ``pos/pos_appeals_<YYYY-MM>.jsonl`` (JSON lines with history) or,
every fourth month, ``pos/pos_appeals_<YYYY-MM>.csv`` (the cp1251 registry report, no history).

In: the catalog, the number of appeals, the months and the seed. Out: the files, and a manifest
entry per file. A month's export holds the appeals created that month and the older ones that
changed in it, each in its state at the end of the month. Appeals still changing later are spilled
to a temporary JSON-lines file per month (not kept in memory), so memory stays flat at any volume.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from generator import pos_model
from generator.catalog import Catalog
from generator.common import (
    BadRows,
    Month,
    Picker,
    Progress,
    apportion,
    cp1251_safe,
    iso,
    rng_for,
)
from generator.manifest import Manifest
from generator.orgs import OrgChooser
from generator.personal import Planter
from generator.seasons import daily_counts, month_volume_weight, pos_subject_picker, times_of_day
from generator.surveys import POS, SurveyWriter

CSV_HEADER = [
    "ID",
    "Номер ПОС",
    "Дата создания",
    "Категория (код)",
    "Категория",
    "Подкатегория (код)",
    "Подкатегория",
    "Текст обращения",
    "Адрес",
    "Широта",
    "Долгота",
    "Организация",
    "ИНН",
    "КПП",
    "ОГРН",
    "ОКТМО",
    "Адрес организации",
    "Статус",
    "Статус (текст)",
    "Дата ответа",
    "Оценка",
    "Вид обращения",
    "ЕПГУ ID заявителя",
    "Фамилия",
    "Имя",
    "Отчество",
    "Email",
    "Телефон",
]
JSON_BAD_KINDS = ("truncated", "no_id", "bad_created", "bad_rating")
CSV_BAD_KINDS = ("bad_created", "bad_latitude", "empty_id")


def is_csv_month(month: Month) -> bool:
    """The registry-report (CSV) variant is exported every fourth month: the 4th, 8th, 12th …"""
    return month.index % 4 == 3


def file_name(month: Month) -> str:
    return f"pos_appeals_{month.label}.{'csv' if is_csv_month(month) else 'jsonl'}"


class _JsonlOut:
    def __init__(self, fh: IO[str], bad: BadRows) -> None:
        self._fh, self._bad, self.rows = fh, bad, 0

    def write(self, rec: dict[str, object]) -> None:
        self.rows += 1
        if self._bad.next():
            kind = self._bad.kind(JSON_BAD_KINDS)
            if kind == "no_id":
                rec = {k: v for k, v in rec.items() if k != "Id"}
            elif kind == "bad_created":
                rec = {**rec, "CreatedAt": "вчера вечером"}
            elif kind == "bad_rating":
                rec = {**rec, "Rating": "пять"}
            else:
                line = json.dumps(rec, ensure_ascii=False)
                self._fh.write(line[: len(line) // 2] + "\n")
                return
        self._fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _coord(x: object) -> str:
    if x is None:  # an appeal without a location
        return ""
    return f"{float(x):.6f}".replace(".", ",")  # type: ignore[arg-type]


def _csv_dt(value: object) -> str:
    if not value:
        return ""
    s = str(value)
    return f"{s[8:10]}.{s[5:7]}.{s[0:4]} {s[11:16]}"


class _CsvOut:
    def __init__(self, fh: IO[str], bad: BadRows) -> None:
        self._w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        self._w.writerow(CSV_HEADER)
        self._bad, self.rows = bad, 0

    def write(self, rec: dict[str, object]) -> None:
        self.rows += 1
        a: dict[str, object] = rec["Applicant"]  # type: ignore[assignment]
        loc: dict[str, object] = rec["Location"]  # type: ignore[assignment]
        org: dict[str, object] = rec["OrganizationInfo"]  # type: ignore[assignment]
        row: list[object] = [
            rec["Id"],
            rec["PosId"],
            _csv_dt(rec["CreatedAt"]),
            rec["SubjectId"],
            rec["SubjectName"],
            rec["SubsubjectId"],
            rec["SubsubjectName"],
            rec["Description"],
            loc["Address"],
            _coord(loc["Latitude"]),
            _coord(loc["Longitude"]),
            org["Name"],
            org["Inn"],
            org["Kpp"],
            org["Ogrn"],
            org["Oktmo"],
            org["Address"],
            rec["Status"],
            rec["StatusText"],
            _csv_dt(rec["AnswerAt"]),
            "" if rec.get("Rating") is None else rec["Rating"],
            rec["AppealKind"],
            a["EpguId"],
            a["Surname"],
            a["Name"],
            a["Patronymic"],
            a["Email"],
            a["Phone"],
        ]
        if self._bad.next():
            kind = self._bad.kind(CSV_BAD_KINDS)
            if kind == "bad_created":
                row[2] = "31.02.2026 10:00"
            elif kind == "bad_latitude":
                row[9] = "53,72,13"
            else:
                row[0] = ""
        self._w.writerow([cp1251_safe(str(v)) if isinstance(v, str) else v for v in row])


def _write(out: _JsonlOut | _CsvOut, record: dict[str, object], planter: Planter | None) -> None:
    out.write(record)
    if planter is not None and isinstance(out, _JsonlOut):  # the CSV report carries no history
        planter.exported(record)


def _read_pending(path: Path | None) -> Iterator[tuple[str, dict[str, object]]]:
    if path is None:
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield line, json.loads(line)


def generate_pos(
    out_dir: Path,
    catalog: Catalog,
    months: list[Month],
    appeals: int,
    seed: int,
    bad_rate: float,
    manifest: Manifest,
    progress: Progress | None = None,
    survey: SurveyWriter | None = None,
    planter: Planter | None = None,
) -> None:
    """The monthly ПОС exports; the applicants' ratings go to ``survey`` (never into the export);
    ``planter`` puts personal data into the texts."""
    folder = out_dir / "pos"
    folder.mkdir(parents=True, exist_ok=True)
    orgs = OrgChooser(catalog)
    munis = Picker(catalog.municipalities, [m.weight for m in catalog.municipalities])
    per_month = apportion(appeals, [month_volume_weight(catalog, m) for m in months])
    recent = pos_model.RecentApplicants()
    seq = 0
    with tempfile.TemporaryDirectory(prefix="cur-generate-pos-") as tmp:
        pending_in: Path | None = None
        for month, count in zip(months, per_month, strict=True):
            rng = rng_for(seed, "pos", month.index)
            bad = BadRows(rng_for(seed, "pos-bad", month.index), bad_rate)
            since, cutoff = iso(month.start), iso(month.end)
            pending_out = Path(tmp) / f"pending_{month.index}.jsonl"
            name = file_name(month)
            csv_variant = is_csv_month(month)
            target = folder / name
            encoding = "cp1251" if csv_variant else "utf-8"
            with (
                target.open("w", encoding=encoding, newline="") as fh,
                pending_out.open("w", encoding="utf-8") as spill,
            ):
                out: _JsonlOut | _CsvOut = _CsvOut(fh, bad) if csv_variant else _JsonlOut(fh, bad)
                for line, full in _read_pending(pending_in):
                    if pos_model.changed_between(full, since, cutoff):
                        _write(out, pos_model.project(full, cutoff), planter)
                    if pos_model.pending_after(full, cutoff):
                        spill.write(line)
                subjects = pos_subject_picker(catalog, month.start.month)
                for day_no, n in enumerate(daily_counts(catalog, month, count)):
                    day = month.start + timedelta(days=day_no)
                    for created in times_of_day(rng, day, n):
                        muni = munis.pick(rng)
                        subject = subjects.pick(rng)
                        full = pos_model.simulate(rng, seq, created, subject, muni, orgs, recent)
                        if planter is not None:
                            planter.appeal(full, seq)
                        seq += 1
                        if survey is not None:
                            for rating, at in full["_ratings"]:  # type: ignore[attr-defined]
                                rated = datetime.fromisoformat(at).replace(tzinfo=None)
                                survey.add(POS, int(full["Id"]), str(full["PosId"]), rating, rated)  # type: ignore[call-overload]
                        _write(out, pos_model.project(full, cutoff), planter)
                        if pos_model.pending_after(full, cutoff):
                            spill.write(json.dumps(full, ensure_ascii=False) + "\n")
                        if progress and seq % 50_000 == 0:
                            progress(f"pos {month.label}", out.rows)
            if pending_in is not None:
                pending_in.unlink()
            pending_in = pending_out
            manifest.add(f"pos/{name}", "pos", out.rows, bad.count)
            if progress:
                progress(f"pos/{name}", out.rows)
