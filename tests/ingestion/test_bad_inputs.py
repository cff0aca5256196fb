"""The bad-input corpus: hand-made files of every format that real exports and real people produce.

Each case builds one landing file (or a few) with a factory, loads the landing folder into a real
PostgreSQL next to a sentinel batch loaded before, and asserts:

- the outcome of the file (``loaded`` with rows quarantined, or ``rejected`` / ``failed``);
- that the message names the file, and for a quarantined row its row number and source field;
- that read = loaded + quarantined, that the raw tables hold exactly the loaded rows of the batch
  and the quarantine exactly the quarantined ones;
- that nothing else changed: the sentinel batch keeps its rows, and no other batch appears.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from openpyxl import Workbook

from ingestion.load import BatchResult, load_landing
from ingestion.schemas import TABLES
from ingestion.sources import im as im_source
from ingestion.sources import pos as pos_source
from tests import factories as f

PLUS7 = timezone(timedelta(hours=7))
POS_CSV_HEADER = [x.source for x in pos_source.CSV_FIELDS]
DELO_REPLY_HEADER = [
    "ISN_REPLY",
    "ISN_RESOLUTION",
    "DUE",
    "MAIN_FLAG",
    "REPLY_TEXT",
    "REPLY_DATE",
    "UPD_DATE",
]


# ---- builders of bad files ----------------------------------------------------------------------


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ";") -> str:
    return "\r\n".join(delimiter.join(r) for r in [header, *rows]) + "\r\n"


def pos_csv_line(appeal_id: str, **overrides: str) -> list[str]:
    row = f.pos_csv_row(appeal_id, **overrides)
    return [_csv_quote(row[h]) for h in POS_CSV_HEADER]


def _csv_quote(value: str) -> str:
    if any(c in value for c in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def pos_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "cp1251", header: list[str] | None = None
) -> Path:
    return write_bytes(path, csv_text(header or POS_CSV_HEADER, rows).encode(encoding))


def im_workbook(
    path: Path,
    rows: list[dict[str, object]],
    *,
    header: list[str] | None = None,
    before: Callable[[Workbook], None] | None = None,
    after: Callable[[Workbook], None] | None = None,
) -> Path:
    """An ИМ export with the real header; ``before`` adds sheets in front (instructions, hidden)."""
    header = header or list(im_source.HEADER)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    if before:
        before(wb)
    ws = wb.create_sheet("Лист1")
    ws.append(header)
    for r in rows:
        ws.append([r.get(h) for h in header])
    if after:
        after(wb)
    wb.save(path)
    return path


def real_im_row(incident_id: object = 1, **overrides: object) -> dict[str, object]:
    """An ИМ row in the value shapes of a real export (SOURCES.md): text times, [ч]:мм:сс durations."""
    row: dict[str, object] = {
        "Кабинет": "Республика Хакасия",
        "ID": incident_id,
        "Номер инцидента": f"{incident_id}",
        "Отдел": "Администрация города Абакана",
        "Исполнитель": "Иванов И. И.",
        "Общее время первого ответа": 1.25,
        "Общий текст первого ответа": "'",
        "Время с даты создания инцидента до времени первого ответа": 1.25,
        "Время назначения последнего исполнителя": "2026-01-05 09:10:00",
        "Время 1го ответа ПИ": "2026-01-06 15:00:00",
        "Первая реакция с момента назн. ПИ": 0.5,
        "Уложились или нет после назн. ПИ": "-",
        "Дата создания": "2026-01-05 09:00:00",
        "Дата окончания": "2026-01-07 10:00:00",
        "Тема": "Уборка дорог от снега и наледи",
        "Муниципалитет": "Абакан г.о.",
        "Текст инцидента": "'Не чистят снег",
        "1ый ответ ПИ": "'Снег убран",
        "2ой ответ ПИ": "'",
        "Аудитория": 1200,
        "Опрос отправлен": "Нет",
    }
    row.update(overrides)
    return row


def rewrite_zip(path: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """Rewrite one part of a workbook (to break what openpyxl would never write broken)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, change(data) if item.filename == member else data)
    path.write_bytes(buffer.getvalue())
    return path


def indicators_workbook(path: Path, sheets: dict[str, list[dict[str, object]]], **kw: Any) -> Path:
    return f.write_indicators(
        path, {t: (f.indicator_meta(f"N-{t}"), rows) for t, rows in sheets.items()}, **kw
    )


# ---- the harness --------------------------------------------------------------------------------


@dataclass
class Outcome:
    results: list[BatchResult]
    quarantine: list[tuple[str, int, str | None, str]] = field(default_factory=list)
    batches: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def result(self) -> BatchResult:
        assert len(self.results) == 1, self.results
        return self.results[0]

    @property
    def batch(self) -> dict[str, Any]:
        return self.batches[-1]

    def fields(self) -> list[tuple[int, str | None]]:
        return [(row, fld) for _, row, fld, _ in self.quarantine]


def _table_counts(conn: psycopg.Connection, batch_id: int) -> dict[str, int]:
    out = {}
    for name in (*TABLES, "quarantine"):
        out[name] = conn.execute(
            f"select count(*) from raw.{name} where batch_id = %s", (batch_id,)
        ).fetchone()[0]  # type: ignore[index]
    return out


def land(dsn: str, tmp_path: Path, build: Callable[[Path], object]) -> Outcome:
    """Load a sentinel file, then the case's landing folder; check the invariants of every case."""
    sentinel_dir = tmp_path / "sentinel"
    f.write_jsonl(sentinel_dir / "pos" / "sentinel.jsonl", [f.pos_record(900_001), f.pos_record(900_002)])
    [sentinel] = load_landing(dsn, sentinel_dir)
    assert sentinel.status == "loaded"
    with psycopg.connect(dsn) as conn:
        sentinel_before = _table_counts(conn, sentinel.batch_id or 0)
    landing = tmp_path / "landing"
    build(landing)
    results = load_landing(dsn, landing)
    out = Outcome(results)
    with psycopg.connect(dsn) as conn:
        assert _table_counts(conn, sentinel.batch_id or 0) == sentinel_before  # nothing else changed
        batch_ids = [r[0] for r in conn.execute("select batch_id from raw.load_batches order by 1")]
        assert batch_ids == [sentinel.batch_id, *sorted({r.batch_id for r in results if r.batch_id})]
        cur = conn.execute(
            "select * from raw.load_batches where batch_id <> %s order by batch_id", (sentinel.batch_id,)
        )
        names = [d.name for d in cur.description or []]
        out.batches = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        for result, batch in zip(results, out.batches, strict=False):
            counts = _table_counts(conn, batch["batch_id"])
            if batch["status"] == "loaded":
                assert batch["rows_read"] == batch["rows_loaded"] + batch["rows_quarantined"]
                primary = {
                    "pos": "pos_appeals",
                    "im": "im_incidents",
                    "indicators": "indicator_values",
                }.get(batch["source"])
                loaded_rows = (
                    counts[primary] if primary else sum(v for k, v in counts.items() if k.startswith("delo_"))
                )
                assert loaded_rows == batch["rows_loaded"]
                assert counts["quarantine"] == batch["rows_quarantined"]
            else:
                assert not any(counts.values()), counts  # a rejected or failed file leaves no row
                assert result.error and batch["file_name"] in result.error  # the message names the file
        out.quarantine = conn.execute(
            "select b.file_name, q.source_row, q.field, q.reason from raw.quarantine q"
            " join raw.load_batches b using (batch_id) where b.batch_id <> %s"
            " order by q.batch_id, q.source_row",
            (sentinel.batch_id,),
        ).fetchall()
        for table in ("pos_appeals", "im_incidents", "indicator_values", "delo_reply"):
            cur = conn.execute(
                f"select * from raw.{table} where batch_id <> %s order by batch_id, source_row",
                (sentinel.batch_id,),
            )
            names = [d.name for d in cur.description or []]
            out.rows[table] = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return out


def loaded(out: Outcome, read: int, good: int) -> None:
    r = out.result
    assert (r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == (
        "loaded",
        read,
        good,
        read - good,
    ), r


def quarantined(out: Outcome, row: int, source_field: str, reason: str) -> None:
    """A quarantine entry of the file at ``row`` for ``source_field`` whose reason matches ``reason``."""
    hits = [q for q in out.quarantine if q[1] == row and q[2] == source_field]
    assert hits, out.quarantine
    assert re.search(reason, hits[0][3]), hits[0][3]
    assert hits[0][0] == out.result.file_name


def rejected(out: Outcome, *parts: str) -> None:
    r = out.result
    assert r.status == "rejected", r
    for part in parts:
        assert part in (r.error or ""), r.error


# ---- CSV: the ПОС registry report ---------------------------------------------------------------


def test_csv_row_with_a_blank_overflow_field_is_quarantined_not_shifted(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("1"), [*pos_csv_line("2")[:3], "", *pos_csv_line("2")[3:]], pos_csv_line("3")]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 3, 2)
    quarantined(out, 3, "(row)", r"the row has 29 fields, the header has 28")
    assert [r["appeal_id"] for r in out.rows["pos_appeals"]] == [1, 3]


def test_csv_row_with_a_trailing_blank_field_is_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("1"), [*pos_csv_line("2"), ""]]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 2, 1)
    quarantined(out, 3, "(row)", "29 fields")


def test_csv_row_with_too_few_fields_is_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("1"), pos_csv_line("2")[:5]]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 2, 1)
    quarantined(out, 3, "(row)", "5 fields")


def test_a_truncated_csv_keeps_its_whole_rows_and_quarantines_the_cut_one(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        data = csv_text(POS_CSV_HEADER, [pos_csv_line("1"), pos_csv_line("2")]).encode("cp1251")
        write_bytes(d / "pos" / "a.csv", data[: data.rindex(";ПОС-2".encode("cp1251")) + 4])

    out = land(dsn, tmp_path, build)
    loaded(out, 2, 1)
    quarantined(out, 3, "(row)", "2 fields")


def test_a_csv_cut_inside_a_quoted_field_is_quarantined_from_its_line(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        data = csv_text(POS_CSV_HEADER, [pos_csv_line("1"), pos_csv_line("2")]).encode("cp1251")
        write_bytes(d / "pos" / "a.csv", data[: data.rindex("Яма на дороге; глуб".encode("cp1251")) + 10])

    out = land(dsn, tmp_path, build)
    assert out.result.status in {"loaded", "rejected"}
    if out.result.status == "loaded":
        loaded(out, 2, 1)
        assert out.fields() == [(3, "(row)")]
    else:
        rejected(out, "a.csv", "line 3")


def test_an_empty_csv_is_a_batch_with_a_warning_and_two_empty_files_are_two_batches(
    tmp_path: Path, dsn: str
) -> None:
    def build(d: Path) -> None:
        write_bytes(d / "pos" / "a.csv", b"")
        write_bytes(d / "pos" / "b.csv", b"")

    out = land(dsn, tmp_path, build)
    assert [(r.file_name, r.status, r.rows_read) for r in out.results] == [
        ("a.csv", "loaded", 0),
        ("b.csv", "loaded", 0),
    ]
    assert len({r.batch_id for r in out.results}) == 2
    assert all("empty" in b["notes"]["warnings"][0] for b in out.batches)


def test_a_header_only_csv_is_a_batch_with_a_warning(tmp_path: Path, dsn: str) -> None:
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", []))
    loaded(out, 0, 0)
    assert out.batch["notes"]["warnings"] == ["the file has a header but no rows"]


def test_a_byte_that_is_not_utf8_after_the_first_64k_rejects_naming_the_line(
    tmp_path: Path, dsn: str
) -> None:
    def build(d: Path) -> None:
        rows = [pos_csv_line(str(i)) for i in range(1, 500)]
        data = csv_text(POS_CSV_HEADER, rows).encode("utf-8")
        assert len(data) > 1 << 16
        write_bytes(d / "pos" / "a.csv", data + ";".join(pos_csv_line("500")).encode("utf-8") + b"\xff\r\n")

    out = land(dsn, tmp_path, build)
    rejected(out, "a.csv", "line 501", "utf-8")


def test_an_undefined_cp1251_byte_rejects_naming_the_line(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        data = csv_text(POS_CSV_HEADER, [pos_csv_line("1"), pos_csv_line("2")]).encode("cp1251")
        write_bytes(d / "pos" / "a.csv", data.replace("глубокая".encode("cp1251"), b"\x98", 1))

    out = land(dsn, tmp_path, build)
    rejected(out, "a.csv", "line 2", "cp1251")


def test_a_csv_with_an_unknown_delimiter_is_rejected_naming_missing_and_found(
    tmp_path: Path, dsn: str
) -> None:
    def build(d: Path) -> None:
        write_bytes(
            d / "pos" / "a.csv", csv_text(POS_CSV_HEADER, [pos_csv_line("1")], delimiter="|").encode("cp1251")
        )

    out = land(dsn, tmp_path, build)
    rejected(out, "a.csv", "missing columns: 'ID'", "columns found: 'ID|Номер ПОС")


def test_a_comma_separated_csv_in_utf8_with_a_bom_loads(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        f.write_csv(
            d / "pos" / "a.csv", POS_CSV_HEADER, [f.pos_csv_row("1")], encoding="utf-8-sig", delimiter=","
        )

    out = land(dsn, tmp_path, build)
    loaded(out, 1, 1)
    assert out.rows["pos_appeals"][0]["description"] == "Яма на дороге; глубокая"


def test_renamed_and_reordered_columns_match_after_normalising(tmp_path: Path, dsn: str) -> None:
    spelled = {
        "ID": "id",
        "Дата создания": "ДАТА  СОЗДАНИЯ",
        "Статус (текст)": "статус: текст",
        "Широта": "широта.",
    }
    header = [spelled.get(h, h) for h in reversed(POS_CSV_HEADER)]
    row = f.pos_csv_row("7")
    values = [_csv_quote(row[h]) for h in reversed(POS_CSV_HEADER)]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", [values], header=header))
    loaded(out, 1, 1)
    got = out.rows["pos_appeals"][0]
    assert (got["appeal_id"], got["location_latitude"]) == (7, Decimal("53.7213"))
    assert got["created_at"] == datetime(2026, 1, 5, 10, tzinfo=PLUS7)


def test_unknown_columns_are_kept_per_row_and_listed_in_the_batch(tmp_path: Path, dsn: str) -> None:
    header = [*POS_CSV_HEADER[:3], "Канал поступления", *POS_CSV_HEADER[3:]]
    rows = [
        [*pos_csv_line("1")[:3], "Госуслуги", *pos_csv_line("1")[3:]],
        [*pos_csv_line("2")[:3], "", *pos_csv_line("2")[3:]],
    ]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows, header=header))
    loaded(out, 2, 2)
    assert [r["extras"] for r in out.rows["pos_appeals"]] == [{"Канал поступления": "Госуслуги"}, None]
    assert out.batch["unknown_columns"] == ["Канал поступления"]


def test_a_missing_optional_column_loads_as_null(tmp_path: Path, dsn: str) -> None:
    header = [h for h in POS_CSV_HEADER if h != "Оценка"]
    row = f.pos_csv_row("1")
    out = land(
        dsn,
        tmp_path,
        lambda d: pos_csv(d / "pos" / "a.csv", [[_csv_quote(row[h]) for h in header]], header=header),
    )
    loaded(out, 1, 1)
    assert out.rows["pos_appeals"][0]["rating"] is None


def test_a_missing_required_column_rejects_naming_missing_and_found(tmp_path: Path, dsn: str) -> None:
    header = [h for h in POS_CSV_HEADER if h != "ID"]
    row = f.pos_csv_row("1")
    out = land(
        dsn,
        tmp_path,
        lambda d: pos_csv(d / "pos" / "a.csv", [[_csv_quote(row[h]) for h in header]], header=header),
    )
    rejected(out, "a.csv", "missing columns: 'ID'", "'Номер ПОС'")


def test_an_impossible_date_is_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("1"), pos_csv_line("2", **{"Дата создания": "31.02.2026 10:00"})]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 2, 1)
    quarantined(out, 3, "Дата создания", "not a valid date")


def test_text_in_a_number_is_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("1", **{"Широта": "север"}), pos_csv_line("2")]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 2, 1)
    quarantined(out, 2, "Широта", "expected a number")


def test_a_number_beyond_its_raw_column_is_quarantined_with_its_row(tmp_path: Path, dsn: str) -> None:
    rows = [
        pos_csv_line("1"),
        pos_csv_line("2", **{"Категория (код)": "99999999999"}),
        pos_csv_line("3", **{"Широта": "1000,5"}),
        pos_csv_line("99999999999999999999"),
    ]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 4, 1)
    quarantined(out, 3, "Категория (код)", r"out of range .*integer")
    quarantined(out, 4, "Широта", r"out of range .*numeric\(9,6\)")
    quarantined(out, 5, "ID", r"out of range .*bigint")


def test_embedded_newlines_and_quotes_keep_rows_whole_and_line_numbers_right(
    tmp_path: Path, dsn: str
) -> None:
    rows = [
        pos_csv_line("1", **{"Текст обращения": 'Первая строка\r\nвторая "в кавычках"\r\nтретья'}),
        pos_csv_line("2", **{"Широта": "нет"}),
    ]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 2, 1)
    assert out.rows["pos_appeals"][0]["description"] == 'Первая строка\r\nвторая "в кавычках"\r\nтретья'
    quarantined(out, 5, "Широта", "expected a number")  # the second record starts on line 5


def test_formula_like_text_is_loaded_as_the_text_it_is(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("1", **{"Текст обращения": '=HYPERLINK("http://x")', "Фамилия": "+7 (913) 123"})]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 1, 1)
    got = out.rows["pos_appeals"][0]
    assert (got["description"], got["applicant_surname"]) == ('=HYPERLINK("http://x")', "+7 (913) 123")


def test_a_100k_character_field_is_quarantined_and_the_rest_loads(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("1", **{"Текст обращения": "а" * 100_000}), pos_csv_line("2")]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 2, 1)
    quarantined(out, 2, "Текст обращения", "100,000 characters is longer than the limit")


def test_a_duplicate_id_within_a_file_is_quarantined_naming_the_first_row(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("5"), pos_csv_line("6"), pos_csv_line("5")]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 3, 2)
    quarantined(out, 4, "ID", "duplicate within the file: ID=5 already at row 2")


def test_a_file_of_month_first_dates_is_read_month_first_and_says_so(tmp_path: Path, dsn: str) -> None:
    rows = [
        pos_csv_line("1", **{"Дата создания": "01.21.2026 10:00"}),
        pos_csv_line("2", **{"Дата создания": "02.03.2026 10:00"}),
    ]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 2, 2)
    assert [r["created_at"].astimezone(PLUS7).date().isoformat() for r in out.rows["pos_appeals"]] == [
        "2026-01-21",
        "2026-02-03",
    ]
    assert out.batch["notes"]["date_order"].startswith("mdy: decided by")


def test_a_file_where_both_orders_fit_is_read_in_the_declared_order_and_says_so(
    tmp_path: Path, dsn: str
) -> None:
    rows = [pos_csv_line("1", **{"Дата создания": "02.03.2026 10:00"})]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 1, 1)
    assert out.rows["pos_appeals"][0]["created_at"].astimezone(PLUS7).month == 3
    assert out.batch["notes"]["date_order"] == "dmy: declared by the source (every value fits both orders)"


def test_a_file_mixing_date_orders_quarantines_rows_it_cannot_tell_never_swaps(
    tmp_path: Path, dsn: str
) -> None:
    rows = [
        pos_csv_line("1", **{"Дата создания": "21.01.2026 10:00"}),
        pos_csv_line("2", **{"Дата создания": "22.01.2026 10:00"}),
        pos_csv_line("3", **{"Дата создания": "01.23.2026 10:00"}),
        pos_csv_line("4", **{"Дата создания": "02.03.2026 10:00"}),
        pos_csv_line("5", **{"Дата создания": "04.04.2026 10:00"}),
    ]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 5, 3)
    quarantined(out, 4, "Дата создания", "mixes day-first and month-first")
    quarantined(out, 5, "Дата создания", "mixes day-first and month-first")
    assert [r["appeal_id"] for r in out.rows["pos_appeals"]] == [1, 2, 5]
    assert out.batch["notes"]["date_order"].startswith("mixed")


def test_a_date_in_the_future_is_quarantined(tmp_path: Path, dsn: str) -> None:
    ahead = (datetime.now(UTC) + timedelta(days=30)).strftime("%d.%m.%Y 10:00")
    rows = [pos_csv_line("1"), pos_csv_line("2", **{"Дата создания": ahead})]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 2, 1)
    quarantined(out, 3, "Дата создания", "in the future")


def test_an_answer_before_the_appeal_was_created_is_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [pos_csv_line("1", **{"Дата ответа": "04.01.2026 10:00"})]
    out = land(dsn, tmp_path, lambda d: pos_csv(d / "pos" / "a.csv", rows))
    loaded(out, 1, 0)
    quarantined(out, 2, "Дата ответа", "is before Дата создания")


# ---- CSV: «Дело» ----------------------------------------------------------------------------------


def test_delo_row_with_an_overflow_field_is_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [
        ["1", "10", "0001", "1", "Исполнено", "10.01.2026", ""],
        ["2", "10", "0002", "0", "Текст", "11.01.2026", "", ""],
    ]
    out = land(
        dsn,
        tmp_path,
        lambda d: write_bytes(
            d / "delo" / "delo_20260131T0600_reply.csv", csv_text(DELO_REPLY_HEADER, rows).encode("cp1251")
        ),
    )
    loaded(out, 2, 1)
    quarantined(out, 3, "(row)", "8 fields")


def test_delo_negative_flag_beyond_smallint_and_a_duplicate_are_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [
        ["1", "10", "0001", "70000", "", "", ""],
        ["2", "10", "0002", "1", "", "", ""],
        ["2", "10", "0003", "1", "", "", ""],
    ]
    out = land(
        dsn,
        tmp_path,
        lambda d: write_bytes(
            d / "delo" / "delo_20260131T0600_reply.csv", csv_text(DELO_REPLY_HEADER, rows).encode("cp1251")
        ),
    )
    loaded(out, 3, 1)
    quarantined(out, 2, "MAIN_FLAG", "smallint")
    quarantined(out, 4, "ISN_REPLY", "already at row 3")


# ---- JSON lines: the ПОС export ---------------------------------------------------------------------


def test_a_truncated_jsonl_quarantines_the_cut_line(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        path = f.write_jsonl(d / "pos" / "a.jsonl", [f.pos_record(1), f.pos_record(2)])
        path.write_bytes(path.read_bytes()[:-40])

    out = land(dsn, tmp_path, build)
    loaded(out, 2, 1)
    quarantined(out, 2, "(line)", "not valid JSON")


def test_a_jsonl_with_a_byte_that_is_not_utf8_rejects_naming_the_line(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        path = f.write_jsonl(d / "pos" / "a.jsonl", [f.pos_record(1), f.pos_record(2), f.pos_record(3)])
        lines = path.read_bytes().split(b"\n")
        lines[2] = lines[2].replace("Иванова".encode(), b"\xc8\xe2\xe0\xed\xee\xe2\xe0")  # cp1251 text
        path.write_bytes(b"\n".join(lines))

    out = land(dsn, tmp_path, build)
    rejected(out, "a.jsonl", "line 3")


def test_a_jsonl_with_a_bom_and_an_unknown_key_loads_and_keeps_the_key(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        path = f.write_jsonl(d / "pos" / "a.jsonl", [f.pos_record(1, Channel="ЕПГУ"), f.pos_record(2)])
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    out = land(dsn, tmp_path, build)
    loaded(out, 2, 2)
    assert [r["extras"] for r in out.rows["pos_appeals"]] == [{"Channel": "ЕПГУ"}, None]
    assert out.batch["unknown_columns"] == ["Channel"]


def test_a_jsonl_duplicate_id_is_quarantined(tmp_path: Path, dsn: str) -> None:
    out = land(
        dsn, tmp_path, lambda d: f.write_jsonl(d / "pos" / "a.jsonl", [f.pos_record(1), f.pos_record(1)])
    )
    loaded(out, 2, 1)
    quarantined(out, 2, "Id", "already at row 1")


def test_an_empty_jsonl_is_a_batch_with_a_warning(tmp_path: Path, dsn: str) -> None:
    out = land(dsn, tmp_path, lambda d: write_bytes(d / "pos" / "a.jsonl", b"\n\n"))
    loaded(out, 0, 0)
    assert out.batch["notes"]["warnings"] == ["the file is empty: no appeals"]


def test_a_jsonl_answer_before_creation_and_a_future_time_are_quarantined(tmp_path: Path, dsn: str) -> None:
    records = [
        f.pos_record(1, AnswerAt="2026-01-04T10:00:00+07:00"),
        f.pos_record(2, CreatedAt="2099-01-05T10:00:00+07:00", AnswerAt=None),
        f.pos_record(3),
    ]
    out = land(dsn, tmp_path, lambda d: f.write_jsonl(d / "pos" / "a.jsonl", records))
    loaded(out, 3, 1)
    quarantined(out, 1, "AnswerAt", "before CreatedAt")
    quarantined(out, 2, "CreatedAt", "in the future")


# ---- XLSX: Инцидент Менеджмент --------------------------------------------------------------------


def test_the_real_im_header_and_value_shapes_load_every_row(tmp_path: Path, dsn: str) -> None:
    rows = [
        real_im_row(1),
        real_im_row(2, **{"Общий текст первого ответа": "'Ответ дан", "Вовлеченность": None}),
    ]
    out = land(dsn, tmp_path, lambda d: im_workbook(d / "im" / "export.xlsx", rows))
    loaded(out, 2, 2)
    first = out.rows["im_incidents"][0]
    assert first["created_at"] == datetime(2026, 1, 5, 9, tzinfo=PLUS7)
    assert first["assigned_at"] == datetime(2026, 1, 5, 9, 10, tzinfo=PLUS7)
    assert first["first_response_seconds"] == Decimal(108_000)  # 30 h: a duration over a day
    assert first["total_first_response_text"] is None and first["second_response_text"] is None
    assert first["incident_text"] == "Не чистят снег" and first["cabinet"] == "Республика Хакасия"
    assert out.rows["im_incidents"][1]["total_first_response_text"] == "Ответ дан"
    assert out.batch["notes"]["sheet"] == "Лист1" and out.batch["unknown_columns"] is None


def test_im_columns_in_another_order_with_an_extra_one_load(tmp_path: Path, dsn: str) -> None:
    header = ["Новая колонка", *reversed(im_source.HEADER)]
    rows = [{**real_im_row(1), "Новая колонка": 42}]
    out = land(dsn, tmp_path, lambda d: im_workbook(d / "im" / "export.xlsx", rows, header=header))
    loaded(out, 1, 1)
    assert out.rows["im_incidents"][0]["extras"] == {"Новая колонка": 42}
    assert out.batch["unknown_columns"] == ["Новая колонка"]


def test_an_instruction_sheet_first_and_a_hidden_sheet_are_passed_over(tmp_path: Path, dsn: str) -> None:
    def before(wb: Workbook) -> None:
        info = wb.create_sheet("Инструкция")
        info.append(["Выгрузка инцидентов. Не меняйте заголовки."])
        hidden = wb.create_sheet("Старое")
        hidden.append(list(im_source.HEADER))
        hidden.append([real_im_row(99).get(h) for h in im_source.HEADER])
        hidden.sheet_state = "hidden"

    out = land(
        dsn, tmp_path, lambda d: im_workbook(d / "im" / "export.xlsx", [real_im_row(1)], before=before)
    )
    loaded(out, 1, 1)
    assert [r["incident_id"] for r in out.rows["im_incidents"]] == [1]
    assert out.batch["notes"]["sheet"] == "Лист1"


def test_a_zip_renamed_to_xlsx_is_rejected_naming_the_file(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("readme.txt", "not a workbook")
        write_bytes(d / "im" / "export.xlsx", buffer.getvalue())

    out = land(dsn, tmp_path, build)
    rejected(out, "export.xlsx", "not a readable XLSX workbook")


def test_a_text_file_renamed_to_xlsx_is_rejected(tmp_path: Path, dsn: str) -> None:
    out = land(
        dsn,
        tmp_path,
        lambda d: write_bytes(d / "im" / "export.xlsx", "ID;Дата создания\r\n1;2026\r\n".encode()),
    )
    rejected(out, "export.xlsx", "not a readable XLSX workbook")


@pytest.mark.parametrize("dimension", [b"", b'<dimension ref="A1:B2"/>'], ids=["missing", "wrong"])
def test_a_missing_or_wrong_dimension_does_not_cut_rows_or_columns(
    tmp_path: Path, dsn: str, dimension: bytes
) -> None:
    def build(d: Path) -> None:
        path = im_workbook(d / "im" / "export.xlsx", [real_im_row(i) for i in range(1, 6)])
        rewrite_zip(path, "xl/worksheets/sheet1.xml", lambda x: re.sub(rb"<dimension [^>]*/>", dimension, x))

    out = land(dsn, tmp_path, build)
    loaded(out, 5, 5)
    assert all(r["created_at"] for r in out.rows["im_incidents"])


def test_a_formula_without_a_cached_value_rejects_naming_the_cell(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        im_workbook(d / "im" / "export.xlsx", [real_im_row(1, **{"Аудитория": "=1000+200"})])

    out = land(dsn, tmp_path, build)
    column = chr(ord("A") + im_source.HEADER.index("Аудитория") - 26)
    rejected(out, "export.xlsx", f"cell A{column}2", "formula without a calculated value")


def test_im_negative_duration_text_date_and_overflow_cell_are_quarantined(tmp_path: Path, dsn: str) -> None:
    def after(wb: Workbook) -> None:
        wb["Лист1"].cell(row=4, column=len(im_source.HEADER) + 2, value="лишнее")

    rows = [
        real_im_row(1, **{"Время с начала создания инцидента до окончания": -0.5}),
        real_im_row(2, **{"Дата окончания": "2026-02-30 10:00:00"}),
        real_im_row(3),
        real_im_row(4),
    ]
    out = land(dsn, tmp_path, lambda d: im_workbook(d / "im" / "export.xlsx", rows, after=after))
    loaded(out, 4, 1)
    quarantined(out, 2, "Время с начала создания инцидента до окончания", "negative duration")
    quarantined(out, 3, "Дата окончания", "not a date")
    quarantined(out, 4, "(row)", "the row has 49 fields")
    assert [r["incident_id"] for r in out.rows["im_incidents"]] == [4]


def test_im_duplicate_id_long_text_and_huge_audience_are_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [
        real_im_row(1),
        real_im_row(1),
        real_im_row(2, **{"Текст инцидента": "'" + "ы" * 32_767}),
        real_im_row(3, **{"Аудитория": 1e20}),
    ]
    out = land(dsn, tmp_path, lambda d: im_workbook(d / "im" / "export.xlsx", rows))
    loaded(out, 4, 2)  # the text is exactly at the limit once the apostrophe is dropped
    quarantined(out, 3, "ID", "already at row 2")
    quarantined(out, 5, "Аудитория", "bigint")


def test_im_answer_before_creation_and_future_creation_are_quarantined(tmp_path: Path, dsn: str) -> None:
    rows = [
        real_im_row(1, **{"Время 1го ответа ПИ": "2026-01-04 09:00:00"}),
        real_im_row(
            2, **{"Дата создания": "2099-01-01 00:00:00", "Дата окончания": None, "Время 1го ответа ПИ": None}
        ),
    ]
    out = land(dsn, tmp_path, lambda d: im_workbook(d / "im" / "export.xlsx", rows))
    loaded(out, 2, 0)
    quarantined(out, 2, "Время 1го ответа ПИ", "before Дата создания")
    quarantined(out, 3, "Дата создания", "in the future")


def test_im_without_a_required_column_names_the_closest_sheet(tmp_path: Path, dsn: str) -> None:
    header = [h for h in im_source.HEADER if h != "ID"]
    out = land(
        dsn, tmp_path, lambda d: im_workbook(d / "im" / "export.xlsx", [real_im_row(1)], header=header)
    )
    rejected(out, "export.xlsx", "sheet 'Лист1', row 1", "missing columns: 'ID'")


def test_im_times_take_the_time_zone_of_the_cabinet(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUR_SOURCE_TIMEZONE_IM", "Asia/Omsk")
    monkeypatch.setenv("CUR_IM_CABINET_TIMEZONES", "Республика Хакасия=Asia/Krasnoyarsk")
    rows = [real_im_row(1), real_im_row(2, **{"Кабинет": "Омская область"})]
    out = land(dsn, tmp_path, lambda d: im_workbook(d / "im" / "export.xlsx", rows))
    loaded(out, 2, 2)
    created = [r["created_at"] for r in out.rows["im_incidents"]]
    assert created == [datetime(2026, 1, 5, 2, tzinfo=UTC), datetime(2026, 1, 5, 3, tzinfo=UTC)]


# ---- XLSX: indicator submissions ------------------------------------------------------------------


def test_percent_cells_and_percent_text_read_as_the_percent_shown(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        path = indicators_workbook(
            d / "indicators" / "a.xlsx",
            {"Лист1": [f.indicator_row(**{"План": "85 %", "Факт": 0.853, "Прогноз": "85,3"})]},
        )
        from openpyxl import load_workbook

        wb = load_workbook(path)
        wb["Лист1"]["L7"].number_format = "0.0%"
        wb.save(path)

    out = land(dsn, tmp_path, build)
    loaded(out, 1, 1)
    got = out.rows["indicator_values"][0]
    assert (got["plan_value"], got["fact_value"], got["forecast_value"]) == (
        Decimal(85),
        Decimal("85.3"),
        Decimal("85.3"),
    )


def test_indicator_instruction_list_and_hidden_sheets_are_passed_over(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        path = indicators_workbook(
            d / "indicators" / "a.xlsx", {"Минздрав": [f.indicator_row()], "Скрытый": [f.indicator_row()]}
        )
        from openpyxl import load_workbook

        wb = load_workbook(path)
        wb["Скрытый"].sheet_state = "hidden"
        info = wb.create_sheet("Инструкция", 0)
        info.append(["Заполните лист по образцу"])
        lists = wb.create_sheet("Списки")
        lists.append(["Возрастающий"])
        wb.save(path)

    out = land(dsn, tmp_path, build)
    loaded(out, 1, 1)
    assert out.batch["notes"]["sheet"] == "Минздрав"
    assert out.batch["notes"]["warnings"] == ["sheets passed over (not a submission): Инструкция, Списки"]


def test_indicator_duplicate_row_is_quarantined_naming_sheet_and_row(tmp_path: Path, dsn: str) -> None:
    out = land(
        dsn,
        tmp_path,
        lambda d: indicators_workbook(
            d / "indicators" / "a.xlsx", {"Лист1": [f.indicator_row(), f.indicator_row()]}
        ),
    )
    loaded(out, 2, 1)
    quarantined(out, 8, "Лист1!Код показателя", "already at row 7")


def test_an_indicator_workbook_without_a_submission_sheet_is_rejected(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        wb = Workbook()
        wb.active.append(["Инструкция"])
        (d / "indicators").mkdir(parents=True)
        wb.save(d / "indicators" / "a.xlsx")

    out = land(dsn, tmp_path, build)
    rejected(out, "a.xlsx", "no visible sheet is a submission")


# ---- files that are not what they seem -------------------------------------------------------------


def test_a_directory_named_like_a_file_is_rejected_and_the_run_goes_on(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        (d / "pos" / "a.jsonl").mkdir(parents=True)
        f.write_jsonl(d / "pos" / "b.jsonl", [f.pos_record(1)])

    out = land(dsn, tmp_path, build)
    assert [(r.file_name, r.status) for r in out.results] == [("a.jsonl", "rejected"), ("b.jsonl", "loaded")]
    assert "is a directory" in (out.results[0].error or "")


def test_a_file_name_that_is_not_utf8_is_rejected_and_named(tmp_path: Path, dsn: str) -> None:
    def build(d: Path) -> None:
        (d / "pos").mkdir(parents=True)
        with open(
            os.path.join(os.fsencode(d / "pos"), b"appeals_\xcf\xce\xd1.jsonl"), "w", encoding="utf-8"
        ) as fh:
            fh.write(json.dumps(f.pos_record(1), ensure_ascii=False) + "\n")

    out = land(dsn, tmp_path, build)
    rejected(out, "appeals_\ufffd\ufffd\ufffd.jsonl", "not valid UTF-8")


def test_a_file_that_disappears_before_it_is_read_fails_and_the_run_goes_on(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingestion.load as load_module

    real = load_module.discover

    def with_a_ghost(landing: Path, *args: Any) -> list[tuple[str, Path]]:
        ghost = [("pos", landing / "pos" / "gone.jsonl")] if landing.name == "landing" else []
        return [*ghost, *real(landing, *args)]

    monkeypatch.setattr(load_module, "discover", with_a_ghost)
    out = land(dsn, tmp_path, lambda d: f.write_jsonl(d / "pos" / "b.jsonl", [f.pos_record(1)]))
    assert [(r.file_name, r.status) for r in out.results] == [("gone.jsonl", "failed"), ("b.jsonl", "loaded")]
    assert "gone.jsonl: cannot be read" in (out.results[0].error or "")


def test_a_file_that_changes_while_it_is_read_fails_and_leaves_nothing(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pos_source.PosJsonLinesReader.read

    def growing(self: Any, path: Path, ctx: Any) -> Any:
        for n, item in enumerate(real(self, path, ctx)):
            if n == 0 and path.name == "a.jsonl":
                with path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(f.pos_record(3)) + "\n")
            yield item

    monkeypatch.setattr(pos_source.PosJsonLinesReader, "read", growing)
    out = land(
        dsn, tmp_path, lambda d: f.write_jsonl(d / "pos" / "a.jsonl", [f.pos_record(1), f.pos_record(2)])
    )
    assert out.result.status == "failed" and "changed while it was being read" in (out.result.error or "")


def test_a_rerun_over_a_rejected_file_reports_it_rejected_again(tmp_path: Path, dsn: str) -> None:
    header = [h for h in POS_CSV_HEADER if h != "ID"]
    landing = tmp_path / "again"
    pos_csv(landing / "pos" / "a.csv", [[""] * len(header)], header=header)
    [first] = load_landing(dsn, landing)
    [second] = load_landing(dsn, landing)
    assert (first.status, second.status) == ("rejected", "rejected")
    assert second.batch_id == first.batch_id and "missing columns: 'ID'" in (second.error or "")
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select count(*) from raw.load_batches").fetchone() == (1,)


@pytest.mark.parametrize(
    "case",
    [
        test_the_real_im_header_and_value_shapes_load_every_row,
        test_an_instruction_sheet_first_and_a_hidden_sheet_are_passed_over,
        test_im_negative_duration_text_date_and_overflow_cell_are_quarantined,
        test_a_formula_without_a_cached_value_rejects_naming_the_cell,
    ],
    ids=lambda c: c.__name__.removeprefix("test_"),
)
def test_large_workbooks_streamed_by_openpyxl_give_the_same_outcome(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch, case: Callable[[Path, str], None]
) -> None:
    """Workbooks above CALAMINE_MAX_BYTES are streamed through openpyxl; the outcome is the same."""
    from ingestion.sources import base

    monkeypatch.setattr(base, "CALAMINE_MAX_BYTES", 0)
    case(tmp_path, dsn)


@pytest.mark.parametrize("dimension", [b"", b'<dimension ref="A1:B2"/>'], ids=["missing", "wrong"])
def test_a_missing_or_wrong_dimension_does_not_cut_rows_when_streamed(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch, dimension: bytes
) -> None:
    from ingestion.sources import base

    monkeypatch.setattr(base, "CALAMINE_MAX_BYTES", 0)
    test_a_missing_or_wrong_dimension_does_not_cut_rows_or_columns(tmp_path, dsn, dimension)


def test_nul_characters_in_text_and_in_unknown_columns_do_not_fail_the_file(tmp_path: Path, dsn: str) -> None:
    """PostgreSQL refuses NUL in text and in jsonb; it is dropped, the rows load."""
    header = [*POS_CSV_HEADER, "Примечание"]
    rows = [[*pos_csv_line("1", **{"Текст обращения": "до\x00после"}), "за\x00метка"]]

    def build(d: Path) -> None:
        pos_csv(d / "pos" / "a.csv", rows, header=header)
        f.write_jsonl(d / "pos" / "b.jsonl", [f.pos_record(2, Note="x\u0000y")])

    out = land(dsn, tmp_path, build)
    assert [(r.status, r.rows_loaded) for r in out.results] == [("loaded", 1), ("loaded", 1)]
    got = {r["appeal_id"]: r for r in out.rows["pos_appeals"]}
    assert got[1]["description"] == "допосле" and got[1]["extras"] == {"Примечание": "заметка"}
    assert got[2]["extras"] == {"Note": "xy"}
