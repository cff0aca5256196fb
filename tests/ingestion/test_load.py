"""The raw layer on a real PostgreSQL: batches, COPY, quarantine, idempotency, atomicity."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from ingestion import load
from ingestion.load import load_file, load_landing
from ingestion.sources import Record
from ingestion.sources import pos as pos_source
from tests import factories as f


def counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = ["load_batches", "pos_appeals", "pos_appeal_events", "quarantine", "im_incidents"]
    return {t: conn.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in tables}  # type: ignore[index]


def test_a_file_becomes_one_batch_with_counts_that_add_up(tmp_path: Path, dsn: str) -> None:
    f.write_jsonl(
        tmp_path / "pos" / "pos_appeals_2026-01.jsonl",
        [f.pos_record(1), f.pos_record(2), "{broken", f.pos_record(4, CreatedAt="31.02.2026")],
    )
    [result] = load_landing(dsn, tmp_path)
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_quarantined) == (
        "loaded",
        4,
        2,
        2,
    )
    with psycopg.connect(dsn) as conn:
        batch = conn.execute(
            "select source, file_name, status, rows_read, rows_loaded, rows_quarantined, content_hash,"
            " finished_at is not null from raw.load_batches"
        ).fetchone()
        assert batch[:6] == ("pos", "pos_appeals_2026-01.jsonl", "loaded", 4, 2, 2)  # type: ignore[index]
        assert len(batch[6]) == 64 and batch[7]  # type: ignore[index]
        assert conn.execute(
            "select count(*), min(batch_id), max(batch_id) from raw.pos_appeals"
        ).fetchone() == (2, result.batch_id, result.batch_id)
        assert conn.execute("select count(*) from raw.pos_appeal_events").fetchone() == (4,)
        quarantined = conn.execute(
            "select b.file_name, q.source_row, q.field, q.reason, q.raw_text"
            " from raw.quarantine q join raw.load_batches b using (batch_id) order by q.source_row"
        ).fetchall()
    assert [(q[0], q[1], q[2]) for q in quarantined] == [
        ("pos_appeals_2026-01.jsonl", 3, "(line)"),
        ("pos_appeals_2026-01.jsonl", 4, "CreatedAt"),
    ]
    assert quarantined[0][4] == "{broken" and "31.02.2026" in quarantined[1][3]


def test_reloading_the_same_file_loads_nothing(tmp_path: Path, dsn: str) -> None:
    f.write_jsonl(tmp_path / "pos" / "a.jsonl", [f.pos_record(1), f.pos_record(2)])
    first = load_landing(dsn, tmp_path)
    with psycopg.connect(dsn) as conn:
        before = counts(conn)
    again = load_landing(dsn, tmp_path)
    with psycopg.connect(dsn) as conn:
        after = counts(conn)
    assert [r.status for r in first] == ["loaded"] and [r.status for r in again] == ["skipped"]
    assert again[0].batch_id == first[0].batch_id
    assert before == after


def test_the_same_content_under_another_name_is_not_loaded_twice(tmp_path: Path, dsn: str) -> None:
    a = f.write_jsonl(tmp_path / "pos" / "a.jsonl", [f.pos_record(1)])
    (tmp_path / "pos" / "b.jsonl").write_bytes(a.read_bytes())
    results = load_landing(dsn, tmp_path)
    assert [r.status for r in results] == ["loaded", "skipped"]


def test_a_failure_half_way_leaves_nothing_of_the_file(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [f.pos_record(i) for i in range(1, 25_001)]
    path = f.write_jsonl(tmp_path / "pos" / "big.jsonl", records)
    real_read = pos_source.PosJsonLinesReader.read

    def read_then_crash(self, p, ctx):  # type: ignore[no-untyped-def]
        for n, item in enumerate(real_read(self, p, ctx), start=1):
            if n == 20_000:  # well past the first COPY chunks sent to the server
                raise OSError("disk went away")
            yield item

    monkeypatch.setattr(pos_source.PosJsonLinesReader, "read", read_then_crash)
    with psycopg.connect(dsn) as conn:
        load.ensure_raw_schema(conn)
        result = load_file(conn, "pos", path)
        assert result.status == "failed" and "disk went away" in (result.error or "")
        c = counts(conn)
        assert (c["pos_appeals"], c["pos_appeal_events"], c["quarantine"]) == (0, 0, 0)
        assert conn.execute(
            "select status, rows_loaded, error like '%disk went away%' from raw.load_batches"
        ).fetchall() == [("failed", 0, True)]

    monkeypatch.setattr(pos_source.PosJsonLinesReader, "read", real_read)
    with psycopg.connect(dsn) as conn:
        retry = load_file(conn, "pos", path)
        assert (retry.status, retry.rows_loaded) == ("loaded", 25_000)
        assert counts(conn)["pos_appeals"] == 25_000


def test_a_row_the_database_refuses_rolls_back_the_whole_file(
    tmp_path: Path, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value that passes the reader but not PostgreSQL (here: a latitude beyond numeric(9,6)).

    The value is planted in the reader's per-value path, so the fast path (which would load line 2
    without calling ``_record``) is switched off for this load."""
    monkeypatch.setenv("CUR_INGEST_FAST_PATH", "false")
    path = f.write_jsonl(tmp_path / "pos" / "a.jsonl", [f.pos_record(1), f.pos_record(2)])
    with psycopg.connect(dsn) as conn:
        load.ensure_raw_schema(conn)
        original = pos_source.PosJsonLinesReader._record

        def huge_latitude(self, line_no, line, ctx, unknown):  # type: ignore[no-untyped-def]
            rec = original(self, line_no, line, ctx, unknown)
            if line_no == 2:
                [row] = rec.tables["pos_appeals"]
                i = 14  # location_latitude
                patched = (*row[:i], 10**6, *row[i + 1 :])
                return Record(rec.row, {**rec.tables, "pos_appeals": [patched]})
            return rec

        monkeypatch.setattr(pos_source.PosJsonLinesReader, "_record", huge_latitude)
        result = load_file(conn, "pos", path)
        assert result.status == "failed" and "numeric field overflow" in (result.error or "")
        assert counts(conn)["pos_appeals"] == 0


def test_a_file_with_wrong_columns_is_rejected_and_the_rest_still_loads(tmp_path: Path, dsn: str) -> None:
    header = [x.source for x in pos_source.CSV_FIELDS if x.source != "Статус"]
    f.write_csv(tmp_path / "pos" / "a_bad.csv", header, [f.pos_csv_row("1")])
    f.write_jsonl(tmp_path / "pos" / "b_good.jsonl", [f.pos_record(1)])
    results = load_landing(dsn, tmp_path)
    assert [(r.file_name, r.status) for r in results] == [
        ("a_bad.csv", "rejected"),
        ("b_good.jsonl", "loaded"),
    ]
    assert "missing columns: 'Статус'" in (results[0].error or "")
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select status, error from raw.load_batches order by batch_id").fetchall()[0] == (
            "rejected",
            results[0].error,
        )
    again = load_landing(dsn, tmp_path)
    # a rejected file is not tried again by default, but it is reported as rejected again
    assert [r.status for r in again] == ["rejected", "skipped"]
    assert again[0].batch_id == results[0].batch_id and "rejected before" in (again[0].error or "")
    retried = load_landing(dsn, tmp_path, retry_rejected=True)
    assert [r.status for r in retried] == ["rejected", "skipped"]


def test_counts_add_up_is_enforced_by_the_database(dsn: str) -> None:
    with psycopg.connect(dsn) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status,"
            " rows_read, rows_loaded, rows_quarantined) values ('pos', 'x', 'x', 'h', 1, 'loaded', 3, 1, 1)"
        )


def test_one_content_is_loaded_once_even_if_two_batches_try(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        insert = (
            "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status)"
            " values ('pos', 'x', 'x', 'h', 1, 'loaded')"
        )
        conn.execute(insert)
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute(insert)


def test_encoding_of_copy_text_escapes_control_characters() -> None:
    assert load.encode_row(["a\tb", "c\nd", "e\\f", None, "nul\x00"]) == b"a\\tb\tc\\nd\te\\\\f\t\\N\tnul\n"


def test_an_unchanged_delo_table_in_a_later_export_is_a_new_batch(tmp_path: Path, dsn: str) -> None:
    """«Дело» exports are snapshots named by time: identical bytes in a later export still count."""
    header = ["DUE", "ISN_NODE", "CLASSIF_NAME", "IS_NODE", "DELETED"]
    rows = [
        {"DUE": "0.1A.", "ISN_NODE": "1", "CLASSIF_NAME": "Правительство", "IS_NODE": "1", "DELETED": "0"}
    ]
    first = f.write_csv(
        tmp_path / "delo" / "delo_20260131T0600_department.csv", header, rows, encoding="utf-8-sig"
    )
    (tmp_path / "delo" / "delo_20260430T0600_department.csv").write_bytes(first.read_bytes())
    results = load_landing(dsn, tmp_path)
    assert [r.status for r in results] == ["loaded", "loaded"]
    assert [r.status for r in load_landing(dsn, tmp_path)] == ["skipped", "skipped"]
    with psycopg.connect(dsn) as conn:
        exports = conn.execute("select distinct exported_at from raw.delo_department").fetchall()
    assert len(exports) == 2
