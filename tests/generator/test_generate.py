"""The sample generator: determinism, the manifest, and the formats of docs/sources.md.

Files are read with plain json/csv/openpyxl, independently of the readers in ingestion/sources.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator import Manifest, generate
from generator.catalog import load_catalog
from generator.personal import PERSONAL_DATA_NAME, read_planted

SMALL = {"appeals": 600, "months": 3, "start": date(2025, 11, 1)}


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest, float]:
    out = tmp_path_factory.mktemp("sample")
    started = time.perf_counter()
    manifest = generate(out, seed=7, **SMALL)
    return out, manifest, time.perf_counter() - started


def _count_rows(path: Path) -> int:
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            return sum(1 for line in fh if line.strip())
    if path.suffix == ".csv":
        encoding = "cp1251" if path.parent.name == "pos" else "utf-8-sig"
        with path.open(encoding=encoding, newline="") as fh:
            return sum(1 for _ in csv.reader(fh, delimiter=";")) - 1
    wb = load_workbook(path, read_only=True)
    try:
        first_data = 7 if path.parent.name == "indicators" else 2
        return sum(
            1
            for ws in wb.worksheets
            for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
            if i >= first_data and any(v is not None for v in row)
        )
    finally:
        wb.close()


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    generate(tmp_path / "a", seed=11, **SMALL)
    time.sleep(1.1)  # a clock-dependent byte (zip entry times, document properties) would show up
    generate(tmp_path / "b", seed=11, **SMALL)
    generate(tmp_path / "c", seed=12, **SMALL)
    a, b, c = _hashes(tmp_path / "a"), _hashes(tmp_path / "b"), _hashes(tmp_path / "c")
    assert a == b
    changing = [k for k in a if k.startswith(("pos/", "im/")) or k.endswith("_resolution.csv")]
    assert changing and all(a[k] != c.get(k) for k in changing)


def test_small_sample_is_fast(sample: tuple[Path, Manifest, float]) -> None:
    assert sample[2] < 30


def test_manifest_lists_every_file_with_its_rows(sample: tuple[Path, Manifest, float]) -> None:
    out, manifest, _ = sample
    metadata = {"_manifest.json", PERSONAL_DATA_NAME}
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name not in metadata}
    assert {f.path for f in manifest.files} == written
    on_disk = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in on_disk["files"]} == written
    for entry in manifest.files:
        assert _count_rows(out / entry.path) == entry.rows, entry.path
        assert 0 <= entry.bad_rows <= entry.rows
        if entry.rows >= 50:
            assert entry.bad_rows >= 1, entry.path
    assert {f.source for f in manifest.files} == {
        "pos",
        "im",
        "surveys",
        "delo",
        "indicators",
        "written",
        "platform",
        "pages",
    }


def test_file_names_follow_the_format_doc(sample: tuple[Path, Manifest, float]) -> None:
    out, _, _ = sample
    assert sorted(p.name for p in (out / "pos").iterdir()) == [
        "pos_appeals_2025-11.jsonl",
        "pos_appeals_2025-12.jsonl",
        "pos_appeals_2026-01.jsonl",
    ]
    assert sorted(p.name for p in (out / "im").iterdir()) == [
        "im_incidents_2025-11.xlsx",
        "im_incidents_2025-12.xlsx",
        "im_incidents_2026-01.xlsx",
    ]
    delo = sorted(p.name for p in (out / "delo").iterdir())
    stamps = {n.split("_")[1] for n in delo}
    assert len(stamps) >= 2 and len(delo) == 4 * len(stamps)
    assert all(n.startswith("indicators_") for n in (p.name for p in (out / "indicators").iterdir()))
    assert "poll_answers_2025-12.csv" in {p.name for p in (out / "surveys").iterdir()}
    assert sorted(p.name for p in (out / "pages").iterdir()) == [
        "pages_activity_2025-11.csv",
        "pages_activity_2025-12.csv",
        "pages_activity_2026-01.csv",
        "pages_register_2026-01-31.csv",
    ]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def test_the_poll_has_weighted_respondents_and_a_question_with_a_tiny_base(
    sample: tuple[Path, Manifest, float],
) -> None:
    out, _, _ = sample
    rows = _csv_rows(out / "surveys" / "poll_answers_2025-12.csv")
    by_question: dict[str, set[str]] = {}
    for r in rows:
        by_question.setdefault(r["Код вопроса"], set()).add(r["ID респондента"])
    assert len(by_question["q1"]) >= 150 and 0 < len(by_question["q4"]) < 30
    weights = {float(r["Вес"].replace(",", ".")) for r in rows if r["Вес"] != "0"}
    assert len(weights) > 10 and min(weights) > 0


def test_the_pages_have_the_cases_that_break_the_rules(sample: tuple[Path, Manifest, float]) -> None:
    out, _, _ = sample
    register = _csv_rows(out / "pages" / "pages_register_2026-01-31.csv")
    activity = [
        r
        for m in ("2025-11", "2025-12", "2026-01")
        for r in _csv_rows(out / "pages" / f"pages_activity_{m}.csv")
    ]
    registered = {r["ИНН"] for r in register}
    obliged = {o.inn for o in load_catalog().organisations if o.kind in ("ОИВ", "ОМСУ")}
    assert len(obliged - registered) >= 2  # obliged bodies without a page
    assert {r["Отметка о верификации"] for r in register} == {"Да", "Нет"}
    assert any(r["Комментарии"] == "0" for r in activity)
    assert any(r["Последняя публикация"] == "" for r in activity)  # a page that never posted
    assert {r["Ссылка"] for r in register} - {r["Ссылка"] for r in activity}  # registered, no activity


def test_pos_csv_variant_is_cp1251_with_semicolons(tmp_path: Path) -> None:
    generate(tmp_path, appeals=400, months=4, seed=3)
    path = tmp_path / "pos" / "pos_appeals_2026-02.csv"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1251")
    header = text.splitlines()[0].split(";")
    assert header[:3] == ["ID", "Номер ПОС", "Дата создания"] and len(header) == 28
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    good = [
        r
        for r in rows
        if r["ID"] and r["Широта"].count(",") == 1 and not r["Дата создания"].startswith("31.02")
    ]
    assert good and all(len(r["Дата создания"]) == 16 and r["Дата создания"][2] == "." for r in good)
    assert all("," in r["Широта"] and 51.5 <= float(r["Широта"].replace(",", ".")) <= 55.5 for r in good)


def test_pos_appeals_reappear_with_a_newer_state(sample: tuple[Path, Manifest, float]) -> None:
    out, _, _ = sample
    seen: dict[int, list[dict[str, object]]] = defaultdict(list)
    for path in sorted((out / "pos").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "Id" in rec:
                seen[rec["Id"]].append(rec)
    again = {k: v for k, v in seen.items() if len(v) > 1}
    assert again
    for versions in again.values():
        assert len(versions[-1]["History"]) >= len(versions[0]["History"])
    for versions in seen.values():
        times = [e["CreatedAt"] for e in versions[-1]["History"]]
        assert times == sorted(times)


def test_the_hard_cases_of_the_kpi_rules_are_in_the_sample(sample: tuple[Path, Manifest, float]) -> None:
    out, _, _ = sample
    latest: dict[int, dict[str, object]] = {}
    for path in sorted((out / "pos").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line) if line.endswith("}") else None
            if rec and "Id" in rec:
                latest[rec["Id"]] = rec
    kinds = {rec["AppealKind"] for rec in latest.values()}
    assert kinds == {"обращение", "сообщение"}
    assert not any(rec.get("Rating") for rec in latest.values())  # ratings are in the survey file only
    statuses = [[e["Status"] for e in rec["History"]] for rec in latest.values()]  # type: ignore[union-attr]
    assert any("POSTPONE" in s for s in statuses)
    assert any(s.count("SEND_RESPONSE") == 2 for s in statuses)  # answered twice
    assert any("SEND_RESPONSE" not in s and "MODERATION_DECLINE" not in s for s in statuses)  # still open
    with (out / "surveys" / "survey_ratings_2025-12.csv").open(encoding="utf-8-sig", newline="") as fh:
        ratings = list(csv.DictReader(fh, delimiter=";"))
    assert {r["Система"] for r in ratings} >= {"ПОС", "Инцидент Менеджмент"}
    assert all(r["Оценка"] in {"1", "2", "3", "4", "5", "6"} for r in ratings)
    rows = []
    for path in sorted((out / "im").glob("*.xlsx")):
        wb = load_workbook(path, read_only=True)
        it = wb.worksheets[0].iter_rows(values_only=True)
        header = list(next(it))
        rows += [dict(zip(header, r, strict=False)) for r in it]
        wb.close()
    authors = [r["URL автора"] for r in rows if r["URL автора"]]
    assert len(set(authors)) < len(authors)  # some authors write again: repeats
    assert any(r["ID"] and not r["Время 1го ответа ПИ"] for r in rows)  # unanswered incidents


def test_im_has_the_real_47_column_header_and_value_shapes(sample: tuple[Path, Manifest, float]) -> None:
    out, _, _ = sample
    wb = load_workbook(out / "im" / "im_incidents_2025-12.xlsx", read_only=True)
    rows = wb.worksheets[0].iter_rows(max_row=3, values_only=True)
    header = next(rows)
    data = [dict(zip(header, r, strict=True)) for r in rows]
    wb.close()
    assert len([h for h in header if h is not None]) == 47
    assert header[0] == "Кабинет" and header[1] == "ID" and header[-1] == "Опрос отправлен"
    assert not {"Оценка", "Тональность", "Социальная сеть", "Дата последнего изменения"} & set(header)
    for row in data:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", str(row["Дата окончания"]))
        assert str(row["Текст инцидента"]).startswith("'") and str(row["3ий ответ ПИ"]) == "'"
        # a day fraction in a [ч]:мм:сс cell, which openpyxl reads as a duration
        assert isinstance(row["Время с начала создания инцидента до окончания"], timedelta)


def test_indicator_sheets_follow_the_template(sample: tuple[Path, Manifest, float]) -> None:
    out, _, _ = sample
    files = sorted((out / "indicators").glob("*.xlsx"))
    assert files and any(f.name.endswith("_02.xlsx") for f in files)
    for path in files:
        wb = load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(max_row=7, values_only=True))
            assert [r[0] for r in rows[:4]] == [
                "Министерство",
                "Дата представления",
                "Номер представления",
                "Версия шаблона",
            ]
            assert all(v is None for v in rows[4])
            assert rows[5][:2] == ("Код показателя", "Наименование показателя") and len(rows[5]) == 14
            assert rows[6][1]
        wb.close()


def _delo(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {r["ISN_RESOLUTION"]: r for r in csv.DictReader(fh, delimiter=";")}


def test_delo_exports_move_deadlines(tmp_path: Path) -> None:
    generate(tmp_path, appeals=2000, months=12, seed=5)
    exports = sorted((tmp_path / "delo").glob("delo_*_resolution.csv"))
    assert len(exports) == 4
    assert exports[0].read_bytes().startswith(b"\xef\xbb\xbf")
    moved = executed = 0
    for before, after in itertools.pairwise(exports):
        old, new = _delo(before), _delo(after)
        assert len(new) >= len(old)
        for isn, row in old.items():
            if isn and isn in new:
                moved += row["PLAN_DATE"] != new[isn]["PLAN_DATE"]
                executed += not row["FACT_DATE"] and bool(new[isn]["FACT_DATE"])
    assert moved >= 1 and executed >= 1


def test_delo_exports_hold_the_cases_discipline_must_get_right(tmp_path: Path) -> None:
    generate(tmp_path, appeals=2000, months=12, seed=5, bad_rate=0.0)
    exports = sorted((tmp_path / "delo").glob("delo_*_resolution.csv"))
    latest = _delo(exports[-1])
    removed_after_execution = [
        r for r in latest.values() if r["CONTROL_STATE"] == "0" and r["RESUME"] and r["FACT_DATE"]
    ]
    never_controlled = [r for r in latest.values() if r["CONTROL_STATE"] == "0" and not r["RESUME"]]
    children = [r for r in latest.values() if r["ISN_PARENT_RESOLUTION"]]
    moved_after_due = 0
    for before, after in itertools.pairwise(exports):
        old, new = _delo(before), _delo(after)
        stamp = datetime.strptime(after.name.split("_")[1], "%Y%m%dT%H%M").date()
        for isn, row in old.items():
            if isn in new and row["PLAN_DATE"] and new[isn]["PLAN_DATE"] != row["PLAN_DATE"]:
                moved_after_due += datetime.strptime(row["PLAN_DATE"], "%d.%m.%Y").date() < stamp
    replies = sorted((tmp_path / "delo").glob("delo_*_reply.csv"))[-1]
    with replies.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    main_dates = {r["ISN_RESOLUTION"]: r["REPLY_DATE"] for r in rows if r["MAIN_FLAG"] == "1"}
    own_dates = [
        r for r in rows if r["MAIN_FLAG"] == "0" and r["REPLY_DATE"] != main_dates.get(r["ISN_RESOLUTION"])
    ]
    assert removed_after_execution and never_controlled and children and own_dates
    assert moved_after_due >= 1


def test_indicator_sheets_hold_zero_facts_and_mixed_periods(sample: tuple[Path, Manifest, float]) -> None:
    out, _, _ = sample
    types: dict[object, set[object]] = {}
    zero_facts = 0
    for path in sorted((out / "indicators").glob("*_01.xlsx")):
        wb = load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(min_row=7, values_only=True):
                if len(row) > 11 and row[0]:
                    types.setdefault((row[0], str(row[9])[-4:]), set()).add(row[8])
                    zero_facts += row[11] in (0, 0.0, "0", "0,0")
        wb.close()
    assert any({"Год", "Квартал"} <= t or {"Год", "Месяц"} <= t for t in types.values())
    assert zero_facts >= 1


def _texts(path: Path) -> str:
    """Everything written in a landing file, as text (cells of a workbook joined by newlines)."""
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
        wb.close()
        return "\n".join(cells)
    raw = path.read_bytes()
    return (
        raw.decode("cp1251")
        if path.suffix == ".csv" and not raw.startswith(b"\xef\xbb\xbf")
        else raw.decode("utf-8-sig")
    )


def test_personal_data_is_planted_in_the_texts_of_every_source(sample: tuple[Path, Manifest, float]) -> None:
    """Phones, e-mails, documents, profile links and the applicant's own name go into the free texts of
    a fraction of the records, and _personal_data.json lists each value that was planted."""
    out, manifest, _ = sample
    planted = read_planted(out)
    kinds = defaultdict(set)
    for p in planted:
        kinds[p.source].add(p.kind)
    assert kinds["pos"] == {"phone", "email", "document", "profile", "name"}
    assert {"phone", "email", "profile"} <= kinds["im"] and "name" not in kinds["im"]
    assert {"phone"} <= kinds["surveys"] and {"phone"} <= kinds["delo"] and kinds["indicators"]
    texts = defaultdict(str)
    for entry in manifest.files:
        texts[entry.source] += _texts(out / entry.path)
    missing = [p for p in planted if p.value not in texts[p.source]]
    assert not missing, missing[:5]
    # a name is the applicant's own: the appeal that carries it names that applicant
    records = [
        json.loads(line)
        for path in (out / "pos").glob("*.jsonl")
        for line in path.open(encoding="utf-8")
        if line.strip().endswith("}")
    ]
    names = [p.value for p in planted if p.kind == "name" and len(p.value.split()) == 3]
    named = [r for r in records for n in names if n in r["Description"]]
    assert named and all(r["Applicant"]["Patronymic"][:5] in r["Description"] for r in named)
    # a fraction, not every text
    carrying = sum(any(p.value in r["Description"] for p in planted if p.source == "pos") for r in records)
    assert 0.1 < carrying / len(records) < 0.5, carrying / len(records)
