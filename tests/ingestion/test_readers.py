"""Readers: every format and quirk of the four source families, without a database."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from ingestion.schemas import DELO_RESOLUTION, IM_INCIDENTS, INDICATOR_VALUES, POS_APPEALS
from ingestion.sources import FileRejected, ReadContext, Record, Rejected, discover, reader_for
from ingestion.sources import im as im_source
from ingestion.sources import pos as pos_source
from tests import factories as f

# The readers' own converters, value by value: the fast path (rows as COPY text, ingestion.fastpath)
# is off here; tests/ingestion/test_fastpath.py shows it loads exactly what these converters load.
CTX = ReadContext(fast_path=False)
PLUS7 = timezone(timedelta(hours=7))


def read_all(source: str, path: Path) -> list[Record | Rejected]:
    return [i for i in reader_for(source, path).read(path, CTX) if isinstance(i, Record | Rejected)]


def col(table, values: tuple, name: str) -> object:  # type: ignore[no-untyped-def]
    return values[table.column_names.index(name)]


def test_pos_jsonl_yields_the_appeal_and_its_history(tmp_path: Path) -> None:
    path = f.write_jsonl(tmp_path / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(7)])
    [rec] = read_all("pos", path)
    assert isinstance(rec, Record) and rec.row == 1
    [appeal] = rec.tables["pos_appeals"]
    assert col(POS_APPEALS, appeal, "appeal_id") == 7
    assert col(POS_APPEALS, appeal, "applicant_surname") == "Иванова"
    assert col(POS_APPEALS, appeal, "location_latitude") == Decimal("53.7213")
    assert col(POS_APPEALS, appeal, "created_at") == datetime(2026, 1, 5, 10, tzinfo=PLUS7)
    assert col(POS_APPEALS, appeal, "source_format") == "jsonl"
    events = rec.tables["pos_appeal_events"]
    assert [e[0:3] for e in events] == [(7, 1, "MODERATION_NEW"), (7, 2, "SEND_RESPONSE")]
    assert events[1][-3] == "Отопление восстановлено"


def test_pos_jsonl_quarantines_bad_lines_naming_line_and_field(tmp_path: Path) -> None:
    bad_event = f.pos_record(5)
    bad_event["History"][1]["CreatedAt"] = "вчера"  # type: ignore[index]
    path = f.write_jsonl(
        tmp_path / "pos" / "x.jsonl",
        [
            f.pos_record(1),
            '{"Id": 2, "CreatedAt": ',
            f.pos_record(None),
            f.pos_record(4, Rating="пять"),
            bad_event,
        ],
    )
    items = read_all("pos", path)
    assert [type(i).__name__ for i in items] == ["Record", "Rejected", "Rejected", "Rejected", "Rejected"]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [(r.row, r.field) for r in rejected] == [
        (2, "(line)"),
        (3, "Id"),
        (4, "Rating"),
        (5, "History[2].CreatedAt"),
    ]
    assert "пять" in rejected[2].reason
    assert rejected[0].raw_text == '{"Id": 2, "CreatedAt": '


def test_pos_csv_in_cp1251_with_semicolons_dates_and_decimal_commas(tmp_path: Path) -> None:
    header = [x.source for x in pos_source.CSV_FIELDS]
    path = f.write_csv(
        tmp_path / "pos" / "pos_appeals_2026-02.csv",
        header,
        [f.pos_csv_row("10"), f.pos_csv_row("11", **{"Широта": "53,72,13"})],
    )
    assert path.read_bytes().decode("cp1251")  # really cp1251
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    good, bad = read_all("pos", path)
    assert isinstance(good, Record)
    [row] = good.tables["pos_appeals"]
    assert col(POS_APPEALS, row, "location_latitude") == Decimal("53.7213")
    assert col(POS_APPEALS, row, "created_at") == datetime(2026, 1, 5, 10, tzinfo=PLUS7)
    assert col(POS_APPEALS, row, "description") == "Яма на дороге; глубокая"
    assert col(POS_APPEALS, row, "source_format") == "csv"
    assert isinstance(bad, Rejected) and (bad.row, bad.field) == (3, "Широта")


def test_pos_csv_in_utf8_with_bom_reads_the_same(tmp_path: Path) -> None:
    header = [x.source for x in pos_source.CSV_FIELDS]
    path = f.write_csv(tmp_path / "pos" / "a.csv", header, [f.pos_csv_row("10")], encoding="utf-8-sig")
    [rec] = read_all("pos", path)
    assert isinstance(rec, Record)


def test_csv_without_a_required_column_is_rejected_naming_what_is_missing_and_found(tmp_path: Path) -> None:
    header = [x.source for x in pos_source.CSV_FIELDS if x.source != "Статус"] + ["Рейтинг"]
    path = f.write_csv(tmp_path / "pos" / "a.csv", header, [f.pos_csv_row("1")])
    with pytest.raises(FileRejected) as err:
        read_all("pos", path)
    assert err.value.missing == ["Статус"]
    assert "a.csv" in str(err.value) and "'Статус'" in str(err.value) and "'Рейтинг'" in str(err.value)


def test_csv_row_with_wrong_number_of_fields_is_quarantined(tmp_path: Path) -> None:
    header = [x.source for x in pos_source.CSV_FIELDS]
    path = f.write_csv(tmp_path / "pos" / "a.csv", header, [f.pos_csv_row("1")])
    with path.open("a", encoding="cp1251") as fh:
        fh.write("2;ПОС-2;05.01.2026\r\n")
    _, bad = read_all("pos", path)
    assert (
        isinstance(bad, Rejected) and bad.row == 3 and "the row has 3 fields, the header has 28" in bad.reason
    )


def test_im_xlsx_day_fractions_text_dates_and_apostrophes(tmp_path: Path) -> None:
    rows = [
        f.im_row(1),
        f.im_row(2, **{"Дата создания": "вчера"}),
        f.im_row(3, **{"Аудитория": "много"}),
        f.im_row(None),
    ]
    path = f.write_xlsx(tmp_path / "im" / "im_incidents_2026-01.xlsx", im_source.HEADER, rows)
    items = read_all("im", path)
    rec = items[0]
    assert isinstance(rec, Record) and rec.row == 2
    [row] = rec.tables["im_incidents"]
    assert col(IM_INCIDENTS, row, "first_response_seconds") == Decimal(30600)
    assert col(IM_INCIDENTS, row, "created_at") == datetime(2026, 1, 5, 9, tzinfo=PLUS7)
    assert col(IM_INCIDENTS, row, "finished_at") == datetime(2026, 1, 6, 17, 30, tzinfo=PLUS7)
    assert col(IM_INCIDENTS, row, "incident_text") == "Здравствуйте! Не чистят снег"
    assert [(i.row, i.field) for i in items[1:] if isinstance(i, Rejected)] == [
        (3, "Дата создания"),
        (4, "Аудитория"),
        (5, "ID"),
    ]


def test_im_header_needs_only_the_required_columns(tmp_path: Path) -> None:
    header = [h for h in im_source.HEADER if h != "Дата создания"]
    path = f.write_xlsx(tmp_path / "im" / "a.xlsx", header, [f.im_row(1)])
    with pytest.raises(FileRejected) as err:
        read_all("im", path)
    assert err.value.missing == ["Дата создания"]
    assert "'Опрос отправлен'" in str(err.value)  # what was found is named too
    optional_missing = [h for h in im_source.HEADER if h != "Опрос отправлен"]
    path = f.write_xlsx(tmp_path / "im" / "b.xlsx", optional_missing, [f.im_row(1)])
    [rec] = read_all("im", path)
    assert isinstance(rec, Record)


def test_delo_export_timestamp_comes_from_the_file_name(tmp_path: Path) -> None:
    header = [
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
    ]
    rows = [
        {
            "ISN_RESOLUTION": "501",
            "ISN_REF_DOC": "10",
            "RESOLUTION_DATE": "10.01.2026",
            "PLAN_DATE": "01.03.2026",
            "CONTROL_STATE": "1",
        },
        {"ISN_RESOLUTION": "502", "ISN_REF_DOC": "10", "PLAN_DATE": "32.13.2026"},
        {"ISN_RESOLUTION": "", "ISN_REF_DOC": "10"},
        {"ISN_RESOLUTION": "503", "ISN_REF_DOC": "10", "CONTROL_STATE": "да"},
    ]
    path = f.write_csv(
        tmp_path / "delo" / "delo_20260131T0600_resolution.csv", header, rows, encoding="utf-8-sig"
    )
    items = read_all("delo", path)
    rec = items[0]
    assert isinstance(rec, Record)
    [row] = rec.tables["delo_resolution"]
    assert col(DELO_RESOLUTION, row, "exported_at") == datetime(2026, 1, 31, 6, tzinfo=PLUS7)
    assert col(DELO_RESOLUTION, row, "plan_date") == date(2026, 3, 1)
    assert [(i.row, i.field) for i in items[1:] if isinstance(i, Rejected)] == [
        (3, "PLAN_DATE"),
        (4, "ISN_RESOLUTION"),
        (5, "CONTROL_STATE"),
    ]


def test_delo_file_with_an_unexpected_name_is_rejected(tmp_path: Path) -> None:
    path = f.write_csv(tmp_path / "delo" / "resolutions.csv", ["ISN_RESOLUTION"], [])
    with pytest.raises(FileRejected, match="delo_<YYYYMMDDTHHMM>"):
        read_all("delo", path)


def test_indicator_template_metadata_periods_and_decimal_commas(tmp_path: Path) -> None:
    path = f.write_indicators(
        tmp_path / "indicators" / "indicators_minzdrav_2026_01.xlsx",
        {
            "Q1": (f.indicator_meta(), [f.indicator_row(), f.indicator_row(**{"План": "12,5,3"})]),
            "Год": (
                f.indicator_meta("МИНЗДРАВ-2026-02", datetime(2026, 4, 11, 9, 30)),
                [
                    f.indicator_row(
                        **{"Тип периода": "Год", "Период": "2026", "Направленность": "Возрастающий"}
                    ),
                    f.indicator_row(**{"Период": "V квартал 2026"}),
                    f.indicator_row(**{"Код показателя": None}),
                ],
            ),
        },
    )
    items = read_all("indicators", path)
    records = [i for i in items if isinstance(i, Record)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(records) == 2 and len(rejected) == 3
    first = records[0].tables["indicator_values"][0]
    assert col(INDICATOR_VALUES, first, "plan_value") == Decimal("4.5")
    assert col(INDICATOR_VALUES, first, "fact_value") == Decimal("4.1")
    assert col(INDICATOR_VALUES, first, "period_start") == date(2026, 1, 1)
    assert col(INDICATOR_VALUES, first, "period_end") == date(2026, 3, 31)
    assert col(INDICATOR_VALUES, first, "ministry") == "Министерство здравоохранения Республики Хакасия"
    assert col(INDICATOR_VALUES, first, "submitted_at") == datetime(2026, 4, 10, 12, tzinfo=PLUS7)
    second = records[1].tables["indicator_values"][0]
    assert col(INDICATOR_VALUES, second, "submission_id") == "МИНЗДРАВ-2026-02"
    assert col(INDICATOR_VALUES, second, "sheet_name") == "Год"
    assert [(r.row, r.field) for r in rejected] == [
        (8, "Q1!План"),
        (8, "Год!Период"),
        (9, "Год!Код показателя"),
    ]


def test_indicator_sheet_without_the_template_metadata_is_rejected(tmp_path: Path) -> None:
    meta = f.indicator_meta()
    meta["Министерство"] = None
    path = f.write_indicators(tmp_path / "indicators" / "a.xlsx", {"S": (meta, [f.indicator_row()])})
    with pytest.raises(FileRejected, match="row 1: expected 'Министерство'"):
        read_all("indicators", path)


def test_discover_skips_hidden_temporary_and_lock_files(tmp_path: Path) -> None:
    for name in (
        "pos/a.jsonl",
        "pos/.hidden.jsonl",
        "pos/~$lock.xlsx",
        "pos/b.jsonl.part",
        "im/c.xlsx",
        "_manifest.json",
    ):
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("")
    assert [(s, p.name) for s, p in discover(tmp_path)] == [("pos", "a.jsonl"), ("im", "c.xlsx")]


def test_a_file_of_an_unknown_kind_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match=r"expected one of \.csv, \.jsonl"):
        reader_for("pos", tmp_path / "pos" / "a.txt")
