"""The response-survey source: its reader on hand-made files, and its load into raw.survey_ratings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from ingestion.load import load_landing
from ingestion.schemas import SURVEY_RATINGS
from ingestion.sources import FileRejected, ReadContext, Record, Rejected, reader_for
from ingestion.sources.surveys import HEADER
from tests import factories as f

PLUS7 = timezone(timedelta(hours=7))


def rating_row(appeal_id: str = "1000001", **overrides: str) -> dict[str, str]:
    row = {
        "Система": "ПОС",
        "ID обращения": appeal_id,
        "Номер обращения": f"ПОС-2026-{appeal_id}",
        "Оценка": "5",
        "Дата оценки": "12.03.2026 18:40",
        "Комментарий": "Спасибо, отопление дали",
    }
    row.update(overrides)
    return row


def write_survey(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    return f.write_csv(path, HEADER, rows, encoding=encoding)


def read_all(path: Path) -> list[Record | Rejected]:
    items = reader_for("surveys", path).read(path, ReadContext())
    return [i for i in items if isinstance(i, Record | Rejected)]


def value(values: tuple[object, ...], name: str) -> object:
    return values[SURVEY_RATINGS.column_names.index(name)]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_a_survey_row_becomes_one_rating_in_local_time(tmp_path: Path, encoding: str) -> None:
    path = write_survey(
        tmp_path / "surveys" / "survey_ratings_2026-03.csv",
        [rating_row(), rating_row("5000007", **{"Система": "Инцидент Менеджмент", "Оценка": "3"})],
        encoding,
    )
    first, second = read_all(path)
    assert isinstance(first, Record) and isinstance(second, Record)
    [pos] = first.tables["survey_ratings"]
    assert (value(pos, "appeal_system"), value(pos, "appeal_id"), value(pos, "rating")) == ("ПОС", 1000001, 5)
    assert value(pos, "rated_at") == datetime(2026, 3, 12, 18, 40, tzinfo=PLUS7)
    assert value(pos, "rating_comment") == "Спасибо, отопление дали"
    [im] = second.tables["survey_ratings"]
    assert (value(im, "appeal_system"), value(im, "appeal_id"), value(im, "rating")) == (
        "Инцидент Менеджмент",
        5000007,
        3,
    )


def test_bad_ratings_and_unknown_systems_are_quarantined_naming_row_and_field(tmp_path: Path) -> None:
    path = write_survey(
        tmp_path / "surveys" / "survey_ratings_2026-03.csv",
        [
            rating_row("1"),
            rating_row("2", **{"Оценка": "6"}),
            rating_row("3", **{"Оценка": "пять"}),
            rating_row("4", **{"Система": "Почта России"}),
            rating_row("5", **{"Дата оценки": ""}),
            rating_row("", **{"Оценка": "4"}),
        ],
    )
    items = read_all(path)
    assert [type(i).__name__ for i in items] == ["Record", *["Rejected"] * 5]
    rejected = [(i.row, i.field) for i in items if isinstance(i, Rejected)]
    assert rejected == [(3, "Оценка"), (4, "Оценка"), (5, "Система"), (6, "Дата оценки"), (7, "ID обращения")]
    assert "from 1 to 5, got 6" in items[1].reason  # type: ignore[union-attr]
    assert "Почта России" in items[3].reason  # type: ignore[union-attr]


def test_a_survey_file_without_a_required_column_is_rejected_naming_it(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "Дата оценки"] + ["Оценка ответа"]
    path = f.write_csv(tmp_path / "surveys" / "survey_ratings_2026-03.csv", header, [])
    with pytest.raises(FileRejected) as err:
        read_all(path)
    assert err.value.missing == ["Дата оценки"]
    assert "'Оценка ответа'" in str(err.value)  # the columns found are named too


def test_survey_files_load_as_batches_once_with_their_quarantine(tmp_path: Path, dsn: str) -> None:
    write_survey(
        tmp_path / "surveys" / "survey_ratings_2026-03.csv",
        [rating_row("1"), rating_row("2", **{"Оценка": "0"}), rating_row("1", **{"Оценка": "2"})],
    )
    [first] = load_landing(dsn, tmp_path, ("surveys",))
    [again] = load_landing(dsn, tmp_path, ("surveys",))
    assert (first.status, first.rows_read, first.rows_loaded, first.rows_quarantined) == ("loaded", 3, 2, 1)
    assert again.status == "skipped"
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "select appeal_id, rating, batch_id, source_row from raw.survey_ratings order by source_row"
        ).fetchall()
        quarantined = conn.execute("select source_row, field from raw.quarantine").fetchall()
    assert rows == [(1, 5, first.batch_id, 2), (1, 2, first.batch_id, 4)]
    assert quarantined == [(3, "Оценка")]
