"""Great Expectations suites on a real PostgreSQL: good files pass every suite, each suite can fail.

Each failing case starts from the same good landing folder, breaks one thing with SQL and checks
that exactly the expected checks of the suite fail: a suite that cannot fail is a defect, and a
check that fails for the wrong reason is one too.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from cli.main import main
from expectations import SUITES, validate
from expectations.context import sqlalchemy_url
from expectations.runner import UnknownSuiteError
from expectations.suites import RAW_SUITES
from ingestion.load import load_landing
from ingestion.sources import delo, im, pages, platform_messages, polls, pos, surveys, written
from tests import factories as f

RAW = [s.name for s in RAW_SUITES]


def _delo_csv(folder: Path, table: str, rows: list[dict[str, str]]) -> None:
    header = [fm.source for fm in delo.FIELDS[table][1]]
    f.write_csv(folder / "delo" / f"delo_20260131T0600_{table}.csv", header, rows, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small good file per source and file kind (a broken ПОС line goes to quarantine)."""
    root = tmp_path_factory.mktemp("landing")
    f.write_jsonl(root / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1), f.pos_record(2), "{broken"])
    f.write_csv(
        root / "pos" / "pos_appeals_2026-02.csv",
        [fm.source for fm in pos.CSV_FIELDS],
        [f.pos_csv_row("3"), f.pos_csv_row("4", **{"Оценка": "2"})],
    )
    f.write_xlsx(root / "im" / "im_2026-01.xlsx", im.HEADER, [f.im_row(1), f.im_row(2)])
    _delo_csv(root, "doc_rc", [{"ISN_DOC": "10", "DOC_DATE": "09.01.2026"}, {"ISN_DOC": "11"}])
    _delo_csv(
        root,
        "resolution",
        [
            {"ISN_RESOLUTION": "501", "ISN_REF_DOC": "10", "PLAN_DATE": "01.03.2026", "CONTROL_STATE": "1"},
            {"ISN_RESOLUTION": "502", "ISN_REF_DOC": "11", "RESOLUTION_DATE": "10.01.2026"},
        ],
    )
    _delo_csv(
        root,
        "reply",
        [
            {"ISN_REPLY": "701", "ISN_RESOLUTION": "501", "DUE": "0.1.", "MAIN_FLAG": "1"},
            {"ISN_REPLY": "702", "ISN_RESOLUTION": "501", "DUE": "0.2.", "MAIN_FLAG": "0"},
        ],
    )
    _delo_csv(
        root,
        "department",
        [
            {"DUE": "0.1.", "CLASSIF_NAME": "Минтранс", "IS_NODE": "1", "DELETED": "0"},
            {"DUE": "0.1.2.", "CLASSIF_NAME": "Иванов И.И.", "IS_NODE": "0", "DELETED": "0"},
        ],
    )
    f.write_csv(
        root / "surveys" / "survey_ratings_2026-02.csv",
        surveys.HEADER,
        [
            {"Система": "ПОС", "ID обращения": "1", "Оценка": "5", "Дата оценки": "10.02.2026 12:00"},
            {
                "Система": "Инцидент Менеджмент",
                "ID обращения": "2",
                "Оценка": "3",
                "Дата оценки": "11.02.2026 12:00",
            },
        ],
        encoding="utf-8-sig",
    )
    f.write_csv(
        root / "written" / "written_appeals_2026-03.csv",
        written.HEADER,
        [f.written_row("1"), f.written_row("2", RESULT="", REPLY_DATE="")],
        encoding="utf-8-sig",
    )
    f.write_csv(
        root / "platform" / "platform_messages_2026-03.csv",
        platform_messages.HEADER,
        [f.platform_row("1"), f.platform_row("2", **{"Тип": "Инициатива", "Статус": "На голосовании"})],
        encoding="utf-8-sig",
    )
    poll = {
        "Код опроса": "ОПРОС-2026-03",
        "Способ проведения": "онлайн",
        "ОКТМО": "95701000",
        "Пол": "Ж",
        "Возрастная группа": "30–44",
        "Вес": "1,2",
        "Код вопроса": "q1",
        "Код варианта": "2",
    }
    f.write_csv(
        root / "surveys" / "poll_answers_2026-03.csv",
        polls.HEADER,
        [{**poll, "ID респондента": "R1"}, {**poll, "ID респондента": "R2", "Пол": "М", "Вес": "0,8"}],
        encoding="utf-8-sig",
    )
    register = {"ИНН": "1901000001", "Соцсеть": "ВКонтакте", "Отметка о верификации": "Да"}
    f.write_csv(
        root / "pages" / "pages_register_2026-03-31.csv",
        pages.REGISTER_HEADER,
        [
            {**register, "Ссылка": "https://vk.com/minstroy19"},
            {**register, "Соцсеть": "Одноклассники", "Ссылка": "https://ok.ru/group/1"},
        ],
        encoding="utf-8-sig",
    )
    week = {"Ссылка": "https://vk.com/minstroy19", "Подписчики": "100", "Комментарии": "4"}
    f.write_csv(
        root / "pages" / "pages_activity_2026-03.csv",
        pages.ACTIVITY_HEADER,
        [
            {**week, "Неделя с": "02.03.2026", "Комментарии с ответом": "3"},
            {**week, "Неделя с": "09.03.2026", "Комментарии": "0", "Комментарии с ответом": "0"},
        ],
        encoding="utf-8-sig",
    )
    f.write_indicators(
        root / "indicators" / "minzdrav_2026-04.xlsx",
        {
            "Лист1": (
                f.indicator_meta(),
                [
                    f.indicator_row(),
                    f.indicator_row(**{"Код показателя": "ZDR-02", "Направленность": "Возрастающий"}),
                ],
            )
        },
    )
    return root


@pytest.fixture
def loaded(dsn: str, landing: Path) -> str:
    results = load_landing(dsn, landing)
    assert [r.status for r in results] == ["loaded"] * 14, [(r.file_name, r.error) for r in results]
    return dsn


def run_sql(dsn: str, sql: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def test_good_files_pass_every_suite_and_data_docs_are_built(loaded: str, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    results = validate(loaded, RAW, docs_dir=docs)
    assert [r.suite for r in results] == RAW
    failing = {
        r.suite: [f.describe() for f in r.failures] or r.error for r in results if r.failures or r.error
    }
    assert failing == {}
    assert all(r.success for r in results)
    for r in results:
        assert r.evaluated == len(SUITES[r.suite].checks) and r.failed == 0
        assert r.run_time.tzinfo is not None
    index = docs / "index.html"
    assert index.is_file()
    html = index.read_text(encoding="utf-8")
    assert "raw.pos_appeals" in html and "raw.load_batches" in html
    assert list((docs / "validations").rglob("*.html")), "a validation page per suite"
    assert list((docs / "expectations").rglob("*.html")), "a page per suite"


# (suite, SQL that breaks one thing, the checks that must fail — and only those)
CASES: list[tuple[str, str, set[str]]] = [
    (
        "raw.load_batches",
        "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes,"
        " status, error, rows_read, finished_at) values ('pos', 'x.jsonl', '/x.jsonl', repeat('a', 64), 1,"
        " 'failed', 'boom', 3, clock_timestamp())",
        {"rows_read = rows_loaded + rows_quarantined"},
    ),
    (
        "raw.load_batches",
        "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status,"
        " finished_at) values ('pos', 'x.jsonl', '/x.jsonl', repeat('a', 64), 1, 'failed',"
        " clock_timestamp())",
        {"failed and rejected batches say why"},
    ),
    (
        "raw.load_batches",
        "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status, error,"
        " finished_at) values ('sap', 'x', '/x', 'not-a-hash', 1, 'rejected', 'boom', clock_timestamp())",
        {"source in allowed set", "content_hash is a sha-256 hex digest"},
    ),
    (
        "raw.quarantine",
        "insert into raw.quarantine (batch_id, source_row, reason)"
        " select batch_id, 99, 'injected' from raw.load_batches where file_name like '%.jsonl'",
        {"rows per batch = rows_quarantined"},
    ),
    (
        "raw.pos_appeals",
        "update raw.pos_appeals set status = 'BOGUS' where appeal_id = 1",
        {"status in allowed set"},
    ),
    ("raw.pos_appeals", "update raw.pos_appeals set rating = 9 where appeal_id = 3", {"rating in 1..5"}),
    (
        "raw.pos_appeals",
        "update raw.pos_appeals set location_latitude = 10 where appeal_id = 2",
        {"location_latitude in 49..57"},
    ),
    (
        "raw.pos_appeals",
        "update raw.pos_appeals set appeal_id = 3 where appeal_id = 4",
        {"(batch_id, appeal_id) unique"},
    ),
    (
        "raw.pos_appeals",
        "update raw.load_batches set rows_loaded = rows_loaded + 1, rows_read = rows_read + 1"
        " where source = 'pos' and file_name like '%.csv'",
        {"rows per batch = rows_loaded"},
    ),
    (
        "raw.pos_appeals",
        "update raw.load_batches set status = 'failed', error = 'x'"
        " where source = 'pos' and file_name like '%.csv'",
        {"rows belong to a loaded batch of the source"},
    ),
    ("raw.pos_appeals", "alter table raw.pos_appeals add column extra text", {"columns match the schema"}),
    (
        "raw.pos_appeals",
        "alter table raw.pos_appeals alter column rating type integer",
        {"column types match the schema"},
    ),
    (
        "raw.pos_appeal_events",
        "update raw.pos_appeal_events set appeal_id = 999 where appeal_id = 2",
        {"events belong to an appeal of the same batch"},
    ),
    (
        "raw.pos_appeal_events",
        "update raw.pos_appeal_events set event_seq = 1",
        {"(batch_id, appeal_id, event_seq) unique"},
    ),
    (
        "raw.im_incidents",
        "update raw.im_incidents set first_response_seconds = -5 where incident_id = 1",
        {"first_response_seconds in 0.."},
    ),
    (
        "raw.im_incidents",
        "update raw.im_incidents set audience = -1 where incident_id = 2",
        {"audience in 0.."},
    ),
    (
        "raw.im_incidents",
        "alter table raw.im_incidents alter column incident_number drop not null;"
        " update raw.im_incidents set incident_number = null where incident_id = 1",
        {"incident_number not null"},
    ),
    (
        "raw.survey_ratings",
        "update raw.survey_ratings set rating = 7 where appeal_id = 1",
        {"rating in 1..5"},
    ),
    (
        "raw.survey_ratings",
        "update raw.survey_ratings set appeal_system = 'Почта' where appeal_id = 2",
        {"appeal_system in allowed set"},
    ),
    (
        "raw.poll_answers",
        "update raw.poll_answers set sex = 'мужской', weight = 0 where respondent_id = 'R2'",
        {"sex in allowed set", "weight > 0"},
    ),
    (
        "raw.page_register",
        "update raw.page_register set page_url = 'https://ok.ru/group/5' where network = 'ВКонтакте'",
        {"page_url is on its network's site"},
    ),
    (
        "raw.page_activity",
        "update raw.page_activity set comments_answered = 5, week_start = week_start + 1"
        " where week_start = '2026-03-02'",
        {"comments_answered <= comments", "week_start is a Monday"},
    ),
    (
        "raw.delo_doc_rc",
        "update raw.delo_doc_rc set isn_doc = 10 where isn_doc = 11",
        {"(batch_id, isn_doc) unique"},
    ),
    (
        "raw.delo_resolution",
        "delete from raw.delo_resolution where isn_resolution = 502",
        {"rows per batch = rows_loaded"},
    ),
    (
        "raw.delo_reply",
        "update raw.delo_reply set main_flag = 5 where isn_reply = 702",
        {"main_flag in allowed set"},
    ),
    (
        "raw.delo_department",
        "update raw.delo_department set deleted = 3 where due = '0.1.'",
        {"deleted in allowed set"},
    ),
    (
        "raw.indicator_values",
        "update raw.indicator_values set direction = 'Вверх' where indicator_code = 'ZDR-01'",
        {"direction in allowed set"},
    ),
    (
        "raw.indicator_values",
        "update raw.indicator_values set period_type = 'Неделя', period_end = period_start - 1"
        " where indicator_code = 'ZDR-02'",
        {"period_type in allowed set", "period_end >= period_start"},
    ),
    (
        "raw.written_appeals",
        "update raw.written_appeals set result = 'рассмотрено', reply_date = doc_date - 1 where isn_doc = 1",
        {"result in allowed set", "reply_date >= doc_date"},
    ),
    (
        "raw.platform_messages",
        "update raw.platform_messages set status = 'Архив' where item_id = 2",
        {"status in allowed set"},
    ),
]


def test_every_raw_suite_has_a_failing_case() -> None:
    assert {suite for suite, _, _ in CASES} == set(RAW)
    for suite, _, expected in CASES:
        assert expected <= set(SUITES[suite].check_names), (suite, expected)


@pytest.mark.parametrize(
    ("suite", "sql", "expected"), CASES, ids=[f"{c[0]}:{sorted(c[2])[0]}" for c in CASES]
)
def test_a_broken_table_fails_its_suite_on_the_named_check(
    loaded: str, tmp_path: Path, suite: str, sql: str, expected: set[str]
) -> None:
    run_sql(loaded, sql)
    [result] = validate(loaded, [suite], docs_dir=tmp_path / "docs")
    assert result.suite == suite and result.error is None
    assert not result.success
    assert result.failed_names == expected, [f.describe() for f in result.failures]
    assert all(f.severity == "critical" and not f.observed.startswith("error") for f in result.failures)


def test_a_warning_is_reported_but_does_not_fail_the_suite(loaded: str, tmp_path: Path) -> None:
    run_sql(loaded, "update raw.pos_appeals set appeal_kind = 'жалоба' where appeal_id = 1")
    [result] = validate(loaded, ["raw.pos_appeals"], docs_dir=tmp_path)
    assert result.success
    [failure] = result.failures
    assert (failure.name, failure.severity) == ("appeal_kind in allowed set", "warning")
    assert "жалоба" in failure.observed


def test_a_missing_table_fails_its_suite_without_stopping_the_others(dsn: str, tmp_path: Path) -> None:
    run_sql(dsn, "drop table raw.delo_reply")
    results = {
        r.suite: r for r in validate(dsn, ["raw.delo_reply", "raw.delo_department"], docs_dir=tmp_path)
    }
    assert not results["raw.delo_reply"].success
    assert "does not exist" in (results["raw.delo_reply"].error or "")
    assert results["raw.delo_department"].success  # an empty table passes
    with pytest.raises(UnknownSuiteError):
        validate(dsn, ["raw.nope"], docs_dir=tmp_path)


def test_cli_prints_a_table_and_exits_1_on_failure(loaded: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert "--docs-dir" in runner.invoke(main, ["quality", "validate", "--help"]).output
    args = ["quality", "validate", "--dsn", loaded, "--suite", "raw.delo_reply", "--docs-dir", str(tmp_path)]
    ok = runner.invoke(main, args)
    assert ok.exit_code == 0, ok.output
    assert "raw.delo_reply" in ok.output and "pass" in ok.output
    assert "every row" in ok.output
    run_sql(loaded, "update raw.delo_reply set main_flag = 7")  # rows of a batch validated above
    bad = runner.invoke(main, [*args, "--full"])  # a change in place is found by a full run
    assert bad.exit_code == 1, bad.output
    assert "FAIL" in bad.output and "main_flag in allowed set" in bad.output
    assert (tmp_path / "index.html").is_file()
    unknown = runner.invoke(main, ["quality", "validate", "--dsn", loaded, "--suite", "raw.nope"])
    assert unknown.exit_code == 2 and "unknown suite" in unknown.output


def _validated(dsn: str, suite: str) -> set[int]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("select batch_id from quality.validated_batches where suite = %s", (suite,))
        return {b for (b,) in rows}


def test_row_checks_read_new_batches_only_and_a_failure_is_not_forgotten(loaded: str, tmp_path: Path) -> None:
    suite = "raw.delo_reply"
    spec = SUITES[suite]
    docs = tmp_path / "docs"
    [first] = validate(loaded, [suite], docs_dir=docs)
    assert first.success and first.scope == "every row" and first.evaluated == len(spec.checks)
    with psycopg.connect(loaded) as conn:
        delo = {b for (b,) in conn.execute("select batch_id from raw.load_batches where source = 'delo'")}
    assert _validated(loaded, suite) == delo

    [again] = validate(loaded, [suite], docs_dir=docs)
    assert again.success and again.scope == f"rows of 0 new of {len(delo)} batches"
    assert again.evaluated == len(spec.whole_table_checks) < len(spec.checks)

    # A new batch of the reply file whose row breaks a row rule (MAIN_FLAG outside 0/1).
    run_sql(
        loaded,
        "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status,"
        " rows_read, rows_loaded, rows_quarantined, finished_at) values ('delo',"
        " 'delo_20260201T0600_reply.csv', '/delo_20260201T0600_reply.csv', repeat('b', 64), 1, 'loaded',"
        " 1, 1, 0, clock_timestamp());"
        " create temp table new_reply as select * from raw.delo_reply order by batch_id, source_row limit 1;"
        " update new_reply set batch_id = (select max(batch_id) from raw.load_batches), main_flag = 7;"
        " insert into raw.delo_reply select * from new_reply;",
    )
    for _ in range(2):  # the failed batch is checked again, and fails again, until it is gone
        [bad] = validate(loaded, [suite], docs_dir=docs)
        assert not bad.success and bad.failed_names == {"main_flag in allowed set"}, bad.failures
        assert bad.scope == f"rows of 1 new of {len(delo) + 1} batches"
        assert _validated(loaded, suite) == delo

    run_sql(
        loaded,
        "delete from raw.delo_reply where main_flag = 7;"
        " delete from raw.load_batches where file_name = 'delo_20260201T0600_reply.csv'",
    )
    [cleared] = validate(loaded, [suite], docs_dir=docs)
    assert cleared.success and cleared.scope == f"rows of 0 new of {len(delo)} batches"

    # Whole-table checks still see every row: a row added to a validated batch breaks its count.
    run_sql(loaded, "insert into raw.delo_reply select * from raw.delo_reply order by batch_id limit 1")
    [counted] = validate(loaded, [suite], docs_dir=docs)
    assert not counted.success and "rows per batch = rows_loaded" in counted.failed_names


@pytest.mark.parametrize(
    ("dsn", "url"),
    [
        ("postgresql://u:p%40w@127.0.0.1:55432/cur", "postgresql+psycopg2://u:p%40w@127.0.0.1:55432/cur"),
        ("postgres://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("host=h port=5433 dbname=db user=u password=pw", "postgresql+psycopg2://u:pw@h:5433/db"),
    ],
)
def test_sqlalchemy_url_from_a_psycopg_dsn(dsn: str, url: str) -> None:
    assert sqlalchemy_url(dsn) == url
