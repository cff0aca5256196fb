"""The fast path (ingestion.fastpath) loads exactly what the per-value converters load.

Each case writes files whose rows mix canonical values (which the fast path turns into COPY text) with
every shape it must leave to the converters (edges with spaces, apostrophes, escapes, numbers as text,
times without an offset, near a change of the zone's offset, in the future, answers before creation,
duplicates, unknown columns, …). The same landing folder is loaded twice into real PostgreSQL, once
with ``CUR_INGEST_FAST_PATH=false``; the raw tables (every column, as jsonb text, so a numeric's scale
counts), the quarantine and the batch records must be identical. A last check shows the fast path
really took the canonical rows, so the comparison is not between two slow loads.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from ingestion.load import context_for, load_landing
from ingestion.schemas import TABLES
from ingestion.sources import im as im_source
from ingestion.sources import pos as pos_source
from ingestion.sources import reader_for
from ingestion.sources.base import Encoded, Record
from tests import factories as f
from tests.conftest import create_database, drop_database

POS_CSV_HEADER = [x.source for x in pos_source.CSV_FIELDS]


def _jsonl_records() -> list[dict[str, object] | str]:
    r = f.pos_record
    return [
        r(1),
        r(2, Description="  пробелы по краям  "),
        r(3, Description="'начинается с апострофа"),
        r(4, Description="таб\tперевод\nстроки и \\ обратная черта"),
        r(5, Description="NUL \u0000 внутри"),
        r(6, SubjectId="101"),  # a number as text
        r(7, SubjectId=" 101 "),
        r(8, Rating=5.0),
        r(9, Rating=70000),  # beyond smallint
        r(10, Location={"Latitude": "53,7", "Longitude": 1e-05}),
        r(11, Location={"Latitude": 1000.5, "Longitude": 91.1}),  # beyond numeric(9,6)
        r(12, CreatedAt="2026-01-05T10:00:00Z"),
        r(13, CreatedAt="2026-01-05 10:00:00"),  # local time of the source's zone
        r(14, CreatedAt="05.01.2026 10:00"),
        r(15, AnswerAt="2026-01-04T10:00:00+07:00"),  # answer before creation
        r(16, CreatedAt="2099-01-05T10:00:00+07:00"),  # in the future
        r(17, CreatedAt="2026-02-30T10:00:00+07:00"),  # no such day
        r(18, Channel="ЕПГУ", Extra={"a": [1, 2.5, "x\\y"]}),  # unknown keys
        r(19, History={}),
        r(20, History="нет"),
        r(21, History=[{"Status": "MODERATION_NEW"}]),  # an event without its time
        r(29, History=["не событие", 5]),
        r(1),  # duplicate of row 1
        r(22, Id="22"),
        r(None),
        r(23, Status=""),
        r(24, SubjectName=12345),  # a number in a text field
        r(25, Description="x" * 40_000),
        r(26, CreatedAt="2026-01-05T10:00:00.5+07:00"),
        "{not json",
        "[1, 2]",
        '{"Id": 27, "Status": "NEW", "CreatedAt": "2026-01-05T10:00:00+07:00", "Rating": NaN}',
        "   ",
        r(28, CreatedAt="2011-03-27T02:30:00", AnswerAt=None, History=[]),  # near an offset change
        r(30, CreatedAt="2026-01-05 10:00:00", AnswerAt="07.01.2026 10:00", History=[]),  # local times
    ]


def _csv_rows() -> list[dict[str, str]]:
    c = f.pos_csv_row
    return [
        c("1"),
        c("2", **{"Дата создания": "5.1.2026 10:00"}),
        c("3", **{"Дата создания": "05.01.2026"}),
        c("4", **{"Дата создания": "2026-01-05 10:00:00"}),
        c("5", **{"Широта": "53.7213", "Долгота": "-91,4"}),
        c("6", **{"Широта": "1 000,5"}),
        c("7", **{"Оценка": "4,0"}),
        c("8", **{"Текст обращения": " с пробелом"}),
        c("9", **{"Текст обращения": "строка\nвторая"}),
        c("10", **{"Дата ответа": "04.01.2026 10:00"}),
        c("11", **{"ID": "00011"}),
        c("11"),  # the same id as row 11 once read as a number
        c("12", **{"Статус": ""}),
        c("13", **{"Дата создания": "05.01.2099 10:00"}),
        c("14", **{"Фамилия": "'Петров"}),
    ]


def _im_rows() -> list[dict[str, object]]:
    i = f.im_row
    return [
        i(1),
        i(2, **{"Дата создания": "2026-01-05 09:00:00"}),
        i(3, **{"Дата окончания": "2026-01-06 17:30:00", "Кабинет": "'Республика Хакасия"}),
        i(4, **{"Время с даты создания инцидента до времени первого ответа": -0.5}),
        i(5, **{"Аудитория": "1 200"}),
        i(6, **{"Текст инцидента": "'"}),
        i(7.0),
        i(8, **{"Дата окончания": datetime(2026, 1, 4, 9, 0)}),  # finished before created
        i(1),
    ]


def _landing(root: Path) -> Path:
    f.write_jsonl(root / "pos" / "a.jsonl", _jsonl_records())
    f.write_csv(root / "pos" / "b.csv", POS_CSV_HEADER, _csv_rows())
    f.write_xlsx(root / "im" / "c.xlsx", im_source.HEADER, _im_rows())
    return root


def _snapshot(dsn: str) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    with psycopg.connect(dsn) as conn:
        for name in TABLES:
            out[name] = conn.execute(
                f"""select b.file_name, (to_jsonb(t) - 'batch_id')::text as j
                    from raw.{name} t join raw.load_batches b using (batch_id)
                    order by 1, t.source_row, j"""
            ).fetchall()
        out["quarantine"] = conn.execute(
            """select b.file_name, q.source_row, q.field, q.reason, q.raw_text
               from raw.quarantine q join raw.load_batches b using (batch_id) order by 1, 2, 3, 4"""
        ).fetchall()
        out["batches"] = conn.execute(
            """select file_name, status, rows_read, rows_loaded, rows_quarantined, unknown_columns,
                      notes, error
               from raw.load_batches order by 1"""
        ).fetchall()
    return out


@pytest.fixture
def second_dsn(server_dsn: str, template_db: str) -> Iterator[str]:
    name = f"cur_test_{uuid.uuid4().hex[:12]}"
    yield create_database(server_dsn, name, template_db)
    drop_database(server_dsn, name)


@pytest.fixture(autouse=True)
def _source_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # a zone with summer time until 2011, so that local times near its offset changes occur
    monkeypatch.setenv("CUR_SOURCE_TIMEZONE", "Europe/Moscow")


def test_the_fast_path_loads_exactly_what_the_converters_load(
    tmp_path: Path, dsn: str, second_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = _landing(tmp_path / "landing")
    fast = load_landing(dsn, landing)
    monkeypatch.setenv("CUR_INGEST_FAST_PATH", "false")
    slow = load_landing(second_dsn, landing)
    assert [(r.file_name, r.status) for r in fast] == [(r.file_name, r.status) for r in slow]
    assert all(r.status == "loaded" for r in fast)
    a, b = _snapshot(dsn), _snapshot(second_dsn)
    assert sum(len(a[t]) for t in TABLES) > 40 and len(a["quarantine"]) > 20
    for part in a:
        assert a[part] == b[part], part


def test_the_fast_path_takes_the_canonical_rows(tmp_path: Path) -> None:
    landing = _landing(tmp_path / "landing")
    jsonl_lines = {
        i: r["Id"] for i, r in enumerate(_jsonl_records(), start=1) if isinstance(r, dict) and r["Id"]
    }
    fast_ids = {1, 6, 8, 10, 18, 19, "22", 30}
    expected = {
        "a.jsonl": {i for i, appeal_id in jsonl_lines.items() if appeal_id in fast_ids}
        - {23},  # 23: a duplicate
        "c.xlsx": {2, 3},
    }
    for source, name in (("pos", "a.jsonl"), ("im", "c.xlsx")):
        path = landing / source / name
        items = list(reader_for(source, path).read(path, context_for(source)))
        encoded = {i.row for i in items if isinstance(i, Encoded)}
        slow = {i.row for i in items if isinstance(i, Record)}
        assert expected[name] <= encoded, (name, encoded)
        assert not encoded & slow
