"""Personal data stops at raw: past it, no free text carries a personal value the generator planted.

The sample (tests/conftest.py ``sample_build``: generated, loaded and built by the daily job) has
phones, e-mails, СНИЛС and passport numbers, profile links and applicants' names planted in its free
texts, listed by the generator in ``_personal_data.json`` (generator/personal.py). Every column of
every table and view outside ``raw`` is read (information_schema) and searched for each of them;
the same search over ``raw`` must find them, so the search is shown to work. The redaction rules
themselves are dbt unit tests on hand-made rows (dbt/macros/pii/redact.sql), run here on their own.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

import psycopg
from psycopg import sql

from core.dbt import run_dbt
from generator.personal import Planted, read_planted
from tests.conftest import SampleBuild, create_database, drop_database

# Schemas of the server itself, not of the warehouse.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


def _relations(conn: psycopg.Connection) -> dict[tuple[str, str], list[str]]:
    """(schema, relation) -> its columns, for every table and view of the database."""
    rows = conn.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
        " where table_schema <> all(%s) and table_schema not like 'pg_temp%%'"
        " order by table_schema, table_name, ordinal_position",
        (list(SYSTEM_SCHEMAS),),
    ).fetchall()
    relations: dict[tuple[str, str], list[str]] = defaultdict(list)
    for schema, table, column in rows:
        relations[(schema, table)].append(column)
    return relations


def _content(conn: psycopg.Connection, schema: str, table: str, columns: list[str]) -> str:
    """Every value of the relation as text, in one string."""
    values = sql.SQL(", ").join(sql.SQL("t.{}::text").format(sql.Identifier(c)) for c in columns)
    query = sql.SQL("select string_agg(concat_ws(chr(31), {}), chr(30)) from {}.{} as t").format(
        values, sql.Identifier(schema), sql.Identifier(table)
    )
    return conn.execute(query).fetchone()[0] or ""  # type: ignore[index]


def _found(content: dict[tuple[str, str], str], planted: list[Planted]) -> dict[Planted, list[str]]:
    hits: dict[Planted, list[str]] = {}
    for p in planted:
        where = [f"{schema}.{table}" for (schema, table), text in content.items() if p.value in text]
        if where:
            hits[p] = where
    return hits


def test_no_planted_personal_value_is_found_outside_raw(sample_build: SampleBuild) -> None:
    planted = read_planted(sample_build.landing)
    assert len(planted) >= 50 and {p.kind for p in planted} == {
        "phone",
        "email",
        "document",
        "profile",
        "name",
    }
    with psycopg.connect(sample_build.dsn) as conn:
        relations = _relations(conn)
        schemas = {schema for schema, _ in relations}
        assert {"raw", "staging", "intermediate", "marts", "snapshots", "quality"} <= schemas, schemas
        content = {key: _content(conn, *key, columns) for key, columns in relations.items()}
    raw = {key: text for key, text in content.items() if key[0] == "raw"}
    past_raw = {key: text for key, text in content.items() if key[0] != "raw"}

    in_raw = _found(raw, planted)
    # the search finds what is there: (nearly) every planted value reached raw, of every kind and source
    assert len(in_raw) >= 0.9 * len(planted), [p for p in planted if p not in in_raw][:10]
    assert {p.kind for p in in_raw} == {"phone", "email", "document", "profile", "name"}
    assert {p.source for p in in_raw} == {"pos", "im", "surveys", "delo", "indicators", "written", "platform"}

    leaks = _found(past_raw, planted)
    assert not leaks, {f"{p.kind} {p.value!r}": where for p, where in list(leaks.items())[:20]}


def test_redacted_texts_keep_their_words_for_topic_analysis(sample_build: SampleBuild) -> None:
    """The placeholders stand where the personal values were; the rest of each text is as written."""
    with psycopg.connect(sample_build.dsn) as conn:
        texts = conn.execute(
            "select s.appeal_text, r.description from staging.stg_pos__appeals as s"
            " join raw.pos_appeals as r using (appeal_id, batch_id, source_row)"
        ).fetchall()
    changed = [(staged, raw) for staged, raw in texts if staged != raw]
    assert changed and len(changed) < 0.5 * len(texts)
    placeholders = {
        p
        for staged, _ in changed
        for p in ("[телефон]", "[e-mail]", "[документ]", "[профиль]", "[ФИО]")
        if p in staged
    }
    assert placeholders == {"[телефон]", "[e-mail]", "[документ]", "[профиль]", "[ФИО]"}
    for staged, raw in changed:
        # what the residents wrote about stays: the last sentence of the template text is in both
        words = [w for w in raw.split() if w.isalpha() and len(w) > 6 and w.islower()]
        assert all(w in staged for w in words), (raw, staged)


def test_the_redaction_unit_tests_pass(server_dsn: str, template_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The dbt unit tests of the redaction (real shapes, and shapes that must stay) on an empty raw."""
    name = f"cur_test_{uuid.uuid4().hex[:12]}"
    dsn = create_database(server_dsn, name, template_db)
    try:
        result = run_dbt(
            [
                "test",
                "--select",
                "stg_im__incidents stg_pos__appeals stg_pos__appeal_events",
                "--exclude",
                "test_type:data",
            ],
            dsn,
            target_dir=tmp_path,
            capture=True,
        )
    finally:
        drop_database(server_dsn, name)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "test_texts_lose_phones_e_mails_documents_and_profile_links" in result.stdout
    assert "test_the_applicants_own_name_is_redacted_in_any_inflection" in result.stdout
    assert "test_answers_lose_the_applicants_name_from_the_same_export" in result.stdout
