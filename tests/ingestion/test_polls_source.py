"""The sociological polls (``surveys/poll_answers_*.csv``): the reader on hand-made files, its rules,
and the load into raw.poll_answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from ingestion.load import load_landing
from ingestion.schemas import POLL_ANSWERS
from ingestion.sources import FileRejected, ReadContext, Record, Rejected, reader_for, tables_of
from ingestion.sources.polls import HEADER, PollCsvReader
from ingestion.sources.surveys import SurveyCsvReader
from tests import factories as f

FILE = "poll_answers_2026-03.csv"


def answer(respondent: str = "R0001", question: str = "q1", **overrides: str) -> dict[str, str]:
    row = {
        "Код опроса": "ОПРОС-2026-03",
        "Опрос": "Оценка работы органов власти",
        "Способ проведения": "офлайн",
        "Дата начала": "05.03.2026",
        "Дата окончания": "18.03.2026",
        "ID респондента": respondent,
        "ОКТМО": "95701000",
        "Пол": "Ж",
        "Возрастная группа": "30–44",
        "Вес": "1,25",
        "Код вопроса": question,
        "Вопрос": "Как вы оцениваете работу органов власти?",
        "Код варианта": "2",
        "Вариант ответа": "Хорошо",
    }
    row.update(overrides)
    return row


def write_poll(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    return f.write_csv(path, HEADER, rows, encoding=encoding)


def read_all(path: Path) -> list[Record | Rejected]:
    items = reader_for("surveys", path).read(path, ReadContext())
    return [i for i in items if isinstance(i, Record | Rejected)]


def value(values: tuple[object, ...], name: str) -> object:
    return values[POLL_ANSWERS.column_names.index(name)]


def test_poll_files_and_rating_files_of_the_surveys_family_get_their_own_readers(tmp_path: Path) -> None:
    assert isinstance(reader_for("surveys", tmp_path / FILE), PollCsvReader)
    assert isinstance(reader_for("surveys", tmp_path / "survey_ratings_2026-03.csv"), SurveyCsvReader)
    assert {t.name for t in tables_of("surveys")} == {"survey_ratings", "poll_answers"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_a_poll_row_becomes_one_answer_with_its_weight(tmp_path: Path, encoding: str) -> None:
    path = write_poll(tmp_path / "surveys" / FILE, [answer(), answer(question="q2")], encoding)
    first, second = read_all(path)
    assert isinstance(first, Record) and isinstance(second, Record)
    [row] = first.tables["poll_answers"]
    assert value(row, "weight") == Decimal("1.25")
    assert value(row, "fieldwork_start") == date(2026, 3, 5)
    assert (value(row, "municipality_oktmo"), value(row, "sex"), value(row, "age_group")) == (
        "95701000",
        "Ж",
        "30–44",
    )
    assert value(second.tables["poll_answers"][0], "question_code") == "q2"


def test_respondents_outside_the_accepted_values_are_quarantined_naming_row_and_field(
    tmp_path: Path,
) -> None:
    path = write_poll(
        tmp_path / "surveys" / FILE,
        [
            answer("R1"),
            answer("R2", **{"Пол": "мужской"}),
            answer("R3", **{"Возрастная группа": "до 18"}),
            answer("R4", **{"ОКТМО": "9570100"}),
            answer("R5", **{"Вес": "0"}),
            answer("R6", **{"Вес": "-1,5"}),
            answer("R7", **{"Способ проведения": "почта"}),
            answer("R8", **{"Дата окончания": "01.03.2026"}),
            answer("R1"),
            answer("", **{"Пол": "М"}),
        ],
    )
    items = read_all(path)
    rejected = [(i.row, i.field) for i in items if isinstance(i, Rejected)]
    assert rejected == [
        (3, "Пол"),
        (4, "Возрастная группа"),
        (5, "ОКТМО"),
        (6, "Вес"),
        (7, "Вес"),
        (8, "Способ проведения"),
        (9, "Дата окончания"),
        (10, "Код опроса"),
        (11, "ID респондента"),
    ]
    assert "'мужской'" in items[1].reason  # type: ignore[union-attr]
    assert "8-digit" in items[3].reason  # type: ignore[union-attr]
    assert "duplicate" in items[8].reason  # type: ignore[union-attr]


def test_a_poll_file_without_a_required_column_is_rejected_naming_it(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "Вес"]
    path = f.write_csv(tmp_path / "surveys" / FILE, header, [])
    with pytest.raises(FileRejected) as err:
        read_all(path)
    assert err.value.missing == ["Вес"]


def test_poll_files_load_as_batches_once_with_their_quarantine(tmp_path: Path, dsn: str) -> None:
    write_poll(
        tmp_path / "surveys" / FILE,
        [answer("R1"), answer("R2", **{"Пол": "?"}), answer("R2", question="q2")],
    )
    [first] = load_landing(dsn, tmp_path, ("surveys",))
    [again] = load_landing(dsn, tmp_path, ("surveys",))
    assert (first.status, first.rows_read, first.rows_loaded, first.rows_quarantined) == ("loaded", 3, 2, 1)
    assert again.status == "skipped"
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "select respondent_id, question_code, weight, batch_id, source_row from raw.poll_answers"
            " order by source_row"
        ).fetchall()
        quarantined = conn.execute("select source_row, field from raw.quarantine").fetchall()
    w = Decimal("1.25")
    assert rows == [("R1", "q1", w, first.batch_id, 2), ("R2", "q2", w, first.batch_id, 4)]
    assert quarantined == [(3, "Пол")]
