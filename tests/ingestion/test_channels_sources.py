"""The written-appeal (59-ФЗ, EDMS) and participation-platform sources: their readers on hand-made
files, and their load into raw with quarantine and idempotency."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from ingestion.load import load_landing
from ingestion.schemas import PLATFORM_MESSAGES, WRITTEN_APPEALS
from ingestion.sources import FileRejected, ReadContext, Record, Rejected, reader_for
from ingestion.sources.platform_messages import HEADER as PLATFORM_HEADER
from ingestion.sources.written import HEADER as WRITTEN_HEADER
from tests import factories as f

PLUS7 = timezone(timedelta(hours=7))


def read_all(source: str, path: Path) -> list[Record | Rejected]:
    items = reader_for(source, path).read(path, ReadContext())
    return [i for i in items if isinstance(i, Record | Rejected)]


def value(table: object, values: tuple[object, ...], name: str) -> object:
    return values[table.column_names.index(name)]  # type: ignore[attr-defined]


# ---- written appeals ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_a_written_card_loads_with_its_dates_and_code_as_written(tmp_path: Path, encoding: str) -> None:
    path = f.write_csv(
        tmp_path / "written" / "written_appeals_2026-03.csv",
        WRITTEN_HEADER,
        [f.written_row(), f.written_row("5000002", RUBRIC_CODE="5.5.56", RESULT="", REPLY_DATE="")],
        encoding=encoding,
    )
    first, second = read_all("written", path)
    assert isinstance(first, Record) and isinstance(second, Record)
    [card] = first.tables["written_appeals"]
    assert value(WRITTEN_APPEALS, card, "doc_date") == date(2026, 3, 2)
    assert value(WRITTEN_APPEALS, card, "reply_date") == date(2026, 3, 27)
    assert value(WRITTEN_APPEALS, card, "upd_date") == datetime(2026, 3, 27, 17, 10, tzinfo=PLUS7)
    assert value(WRITTEN_APPEALS, card, "rubric_code") == "0005.0005.0056.1153"
    # a garbled topic code is not a reason to quarantine: dbt counts it as unmapped
    [open_card] = second.tables["written_appeals"]
    assert value(WRITTEN_APPEALS, open_card, "rubric_code") == "5.5.56"
    assert value(WRITTEN_APPEALS, open_card, "result") is None


def test_written_rows_breaking_the_rules_are_quarantined_naming_row_and_field(tmp_path: Path) -> None:
    path = f.write_csv(
        tmp_path / "written" / "written_appeals_2026-03.csv",
        WRITTEN_HEADER,
        [
            f.written_row("1"),
            f.written_row("2", RESULT="рассмотрено"),
            f.written_row("3", REPLY_DATE="01.03.2026"),
            f.written_row("4", FORWARD_TO="Минздрав", FORWARD_DATE="28.02.2026"),
            f.written_row("5", PROLONG_DATE="01.02.2026"),
            f.written_row("6", DOC_DATE="не указана"),
            f.written_row("1"),
            f.written_row("7", RESULT="Меры Приняты"),
        ],
        encoding="utf-8-sig",
    )
    items = read_all("written", path)
    rejected = [(i.row, i.field) for i in items if isinstance(i, Rejected)]
    assert rejected == [(3, "RESULT"), (4, "REPLY_DATE"), (5, "FORWARD_DATE"), (6, "PROLONG_DATE"),
                        (7, "DOC_DATE"), (8, "ISN_DOC")]  # fmt: skip
    assert [i.row for i in items if isinstance(i, Record)] == [2, 9]
    reasons = {i.field: i.reason for i in items if isinstance(i, Rejected)}
    assert "рассмотрено" in reasons["RESULT"]
    assert "before DOC_DATE 2026-03-02" in reasons["REPLY_DATE"]
    assert "already at row 2" in reasons["ISN_DOC"]


def test_a_written_file_without_a_required_column_is_rejected_naming_it(tmp_path: Path) -> None:
    header = [h for h in WRITTEN_HEADER if h != "DOC_DATE"]
    path = f.write_csv(tmp_path / "written" / "written_appeals_2026-03.csv", header, [])
    with pytest.raises(FileRejected) as err:
        read_all("written", path)
    assert err.value.missing == ["DOC_DATE"]


def test_written_files_load_once_with_their_quarantine_and_unknown_columns(tmp_path: Path, dsn: str) -> None:
    header = [*WRITTEN_HEADER, "SECURLEVEL"]
    rows = [f.written_row("1"), f.written_row("2", RESULT="рассмотрено"), f.written_row("3")]
    for r in rows:
        r["SECURLEVEL"] = "общий"
    f.write_csv(tmp_path / "written" / "written_appeals_2026-03.csv", header, rows, encoding="utf-8-sig")
    [first] = load_landing(dsn, tmp_path, ("written",))
    [again] = load_landing(dsn, tmp_path, ("written",))
    assert (first.status, first.rows_read, first.rows_loaded, first.rows_quarantined) == ("loaded", 3, 2, 1)
    assert again.status == "skipped"
    with psycopg.connect(dsn) as conn:
        loaded = conn.execute(
            "select isn_doc, source_row, extras from raw.written_appeals order by source_row"
        ).fetchall()
        quarantined = conn.execute("select source_row, field from raw.quarantine").fetchall()
        unknown = conn.execute("select unknown_columns from raw.load_batches").fetchone()
    assert [(r[0], r[1]) for r in loaded] == [(1, 2), (3, 4)]
    assert loaded[0][2] == {"SECURLEVEL": "общий"}
    assert quarantined == [(3, "RESULT")]
    assert unknown == (["SECURLEVEL"],)


# ---- participation platform -----------------------------------------------------------------------


def test_a_platform_message_forwarded_to_pos_keeps_its_pos_number(tmp_path: Path) -> None:
    path = f.write_csv(
        tmp_path / "platform" / "platform_messages_2026-03.csv",
        PLATFORM_HEADER,
        [
            f.platform_row(),
            f.platform_row("7000002", **{"Тип": "Инициатива", "Статус": "На голосовании", "Номер ПОС": "",
                                       "Дата передачи в ПОС": "", "Голосов": "140"}),
        ],
        encoding="utf-8-sig",
    )  # fmt: skip
    first, second = read_all("platform", path)
    assert isinstance(first, Record) and isinstance(second, Record)
    [message] = first.tables["platform_messages"]
    assert value(PLATFORM_MESSAGES, message, "pos_number") == "ПОС-2026-0000042"
    assert value(PLATFORM_MESSAGES, message, "forwarded_at") == datetime(2026, 3, 3, 12, 0, tzinfo=PLUS7)
    [initiative] = second.tables["platform_messages"]
    assert value(PLATFORM_MESSAGES, initiative, "votes") == 140


def test_platform_rows_breaking_the_rules_are_quarantined_naming_row_and_field(tmp_path: Path) -> None:
    path = f.write_csv(
        tmp_path / "platform" / "platform_messages_2026-03.csv",
        PLATFORM_HEADER,
        [
            f.platform_row("1"),
            f.platform_row("2", **{"Тип": "Опрос"}),
            f.platform_row("3", **{"Статус": "Поддержана"}),  # an initiative's status on a message
            f.platform_row("4", **{"Дата передачи в ПОС": "02.03.2026 12:00"}),
            f.platform_row("5", **{"Статус": "Ответ дан", "Дата ответа": "01.03.2026 08:00"}),
            f.platform_row("6", **{"Голосов": "много"}),
        ],
        encoding="utf-8-sig",
    )
    items = read_all("platform", path)
    rejected = [(i.row, i.field) for i in items if isinstance(i, Rejected)]
    assert rejected == [
        (3, "Тип"),
        (4, "Статус"),
        (5, "Дата передачи в ПОС"),
        (6, "Дата ответа"),
        (7, "Голосов"),
    ]
    assert [i.row for i in items if isinstance(i, Record)] == [2]


def test_platform_files_load_once_with_their_quarantine(tmp_path: Path, dsn: str) -> None:
    f.write_csv(
        tmp_path / "platform" / "platform_messages_2026-03.csv",
        PLATFORM_HEADER,
        [f.platform_row("1"), f.platform_row("2", **{"Статус": "Архив"})],
        encoding="utf-8-sig",
    )
    [first] = load_landing(dsn, tmp_path, ("platform",))
    [again] = load_landing(dsn, tmp_path, ("platform",))
    assert (first.status, first.rows_read, first.rows_loaded, first.rows_quarantined) == ("loaded", 2, 1, 1)
    assert again.status == "skipped"
    with psycopg.connect(dsn) as conn:
        quarantined = conn.execute("select source_row, field from raw.quarantine").fetchall()
    assert quarantined == [(3, "Статус")]
