"""Retention of raw personal data (ingestion/retention.py, `cur data purge-pii`) on a real database.

A generated sample (personal values planted in its texts, generator/personal.py) is loaded; every
other batch is made 400 days old. The dry run changes nothing and says what it would purge; the purge
changes only the personal columns of the old batches' rows (rows, counts and every other value stay);
a rerun changes nothing; and on the built sample, a dbt build after the purge gives the same staging
views, intermediate views, marts and snapshots as before it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from core.dbt import run_dbt
from generator import generate
from generator.personal import read_planted
from ingestion.load import load_landing
from ingestion.retention import PurgeReport, purge_raw_personal_data
from ingestion.schemas import TABLES
from ingestion.sources import SOURCES

OLD = "400 days"
PERIOD = 365
MARKER = re.compile(r"^pseudonym:[0-9a-f]{64}$")
URL_MARKER = re.compile(r"^(https?://[^/]+/)?pseudonym:[0-9a-f]{64}$")
# what the purge may change, per table (everything else of a row must stay as it was)
PURGED = {name: {c.name for c in t.personal_columns} | {"extras"} for name, t in TABLES.items()}
PURGED |= {"quarantine": {"raw_text", "reason"}, "load_batches": {"error", "pii_purged_at"}}


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("landing")
    generate(out, appeals=200, seed=5, start=date(2026, 1, 1), months=2)
    return out


@pytest.fixture
def loaded(dsn: str, landing: Path) -> tuple[str, set[int]]:
    """The sample loaded; every other batch (of every source) loaded 400 days ago."""
    load_landing(dsn, landing)
    with psycopg.connect(dsn) as conn:
        ids = [r[0] for r in conn.execute("select batch_id from raw.load_batches order by batch_id")]
        old = set(ids[::2])
        conn.execute(
            f"update raw.load_batches set started_at = started_at - interval '{OLD}',"
            f" finished_at = finished_at - interval '{OLD}' where batch_id = any(%s)",
            (sorted(old),),
        )
        sources = conn.execute(
            "select count(distinct source) from raw.load_batches where batch_id = any(%s)", (sorted(old),)
        ).fetchone()
    assert sources == (len(SOURCES),)
    return dsn, old


def _snapshot(dsn: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every raw table, as JSON objects."""
    out = {}
    with psycopg.connect(dsn) as conn:
        for name in [*TABLES, "quarantine", "load_batches"]:
            rows = conn.execute(f"select to_jsonb(t) from raw.{name} as t").fetchall()
            out[name] = [r[0] for r in rows]
    return out


def _canonical(rows: list[dict[str, Any]], drop: set[str] = frozenset()) -> Counter[str]:  # type: ignore[assignment]
    return Counter(json.dumps({k: v for k, v in r.items() if k not in drop}, sort_keys=True) for r in rows)


def _of(rows: list[dict[str, Any]], batches: set[int], old: bool) -> list[dict[str, Any]]:
    return [r for r in rows if (r["batch_id"] in batches) == old]


def test_the_dry_run_says_what_it_would_purge_and_changes_nothing(loaded: tuple[str, set[int]]) -> None:
    dsn, old = loaded
    before = _snapshot(dsn)
    report = purge_raw_personal_data(dsn, PERIOD, dry_run=True)
    assert _snapshot(dsn) == before
    assert report.dry_run and set(report.batches) == old
    tables = {t.table: t for t in report.tables}
    for name, rows in before.items():
        if name != "load_batches" and _of(rows, old, True):
            assert tables[name].rows == len(_of(rows, old, True)), name
    pos = tables["pos_appeals"].columns
    assert {
        "applicant_surname",
        "applicant_name",
        "applicant_email",
        "applicant_phone",
        "description",
    } <= set(pos)
    assert pos["applicant_surname"] == sum(
        r["applicant_surname"] is not None for r in _of(before["pos_appeals"], old, True)
    )
    assert {"author_url", "post_url", "incident_text"} <= set(tables["im_incidents"].columns)
    assert "raw_text" in tables["quarantine"].columns


@pytest.mark.e2e  # installs the purge's functions with dbt
def test_the_purge_replaces_personal_data_of_old_batches_only_and_a_rerun_changes_nothing(
    loaded: tuple[str, set[int]], landing: Path
) -> None:
    dsn, old = loaded
    before = _snapshot(dsn)
    dry = purge_raw_personal_data(dsn, PERIOD, dry_run=True)
    report = purge_raw_personal_data(dsn, PERIOD)
    after = _snapshot(dsn)
    assert (report.rows, report.batches) == (dry.rows, dry.batches)

    for name in before:
        assert len(after[name]) == len(before[name]), name  # no row added or removed
        # rows of recent batches are untouched; old rows keep every value that is not personal data
        assert _canonical(_of(after[name], old, False)) == _canonical(_of(before[name], old, False)), name
        drop = PURGED[name]
        assert _canonical(_of(after[name], old, True), drop) == _canonical(
            _of(before[name], old, True), drop
        ), name
    batches = {b["batch_id"]: b for b in after["load_batches"]}
    assert {i for i, b in batches.items() if b["pii_purged_at"]} == old

    purged = _of(after["pos_appeals"], old, True)
    assert purged and all(r["applicant_surname"] in (None, "", "[ФИО]") for r in purged)
    assert all(r["applicant_email"] is None or MARKER.match(r["applicant_email"]) for r in purged)
    assert all(r["applicant_phone"] is None or MARKER.match(r["applicant_phone"]) for r in purged)
    im = _of(after["im_incidents"], old, True)
    assert im and all(URL_MARKER.match(r["author_url"]) for r in im if r["author_url"])
    assert all(r["raw_text"] is None for r in _of(after["quarantine"], old, True))

    # none of the planted values is left in an old row; the recent rows still have theirs
    planted = [p.value for p in read_planted(landing)]
    old_text = json.dumps({n: _of(rows, old, True) for n, rows in after.items()}, ensure_ascii=False)
    new_text = json.dumps({n: _of(rows, old, False) for n, rows in after.items()}, ensure_ascii=False)
    assert [v for v in planted if v in old_text] == []
    assert any(v in new_text for v in planted)

    again = purge_raw_personal_data(dsn, PERIOD)
    assert (again.rows, again.batches) == (0, ())
    assert _snapshot(dsn) == after


def _relations(dsn: str) -> dict[str, Counter[str]]:
    """Every row of every table and view past raw, as text."""
    with psycopg.connect(dsn) as conn:
        names = conn.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in ('staging', 'intermediate', 'marts', 'snapshots')"
        ).fetchall()
        return {
            f"{schema}.{table}": Counter(
                r[0] for r in conn.execute(f'select t::text from "{schema}"."{table}" as t')
            )
            for schema, table in names
        }


def _build(dsn: str, target: Path) -> None:
    result = run_dbt(["build"], dsn, target_dir=target, capture=True)
    assert result.returncode == 0, result.stdout[-4000:]


def test_staging_and_the_marts_keep_their_history_after_a_purge(sample_copy: str, tmp_path: Path) -> None:
    """dbt rebuilds everything past raw from the raw tables (staging views; fct_appeals recomputes
    open appeals and repeat partners): after a purge of every batch, the same build gives the same
    rows, the applicants' keys and the repeat links included. Only the quarantine view's has_raw_text
    and raw_text_chars change: the raw text of a quarantined row is what the purge drops."""
    with psycopg.connect(sample_copy) as conn:  # every batch is old (the load times show in the marts)
        conn.execute(
            f"update raw.load_batches set started_at = started_at - interval '{OLD}',"
            f" finished_at = finished_at - interval '{OLD}'"
        )
    _build(sample_copy, tmp_path)
    before = _relations(sample_copy)
    with psycopg.connect(sample_copy) as conn:
        keys = conn.execute("select count(distinct applicant_key) from staging.stg_pos__appeals").fetchone()
    report: PurgeReport = purge_raw_personal_data(sample_copy, PERIOD)
    assert report.rows > 0 and {t.table for t in report.tables} >= {"pos_appeals", "im_incidents"}
    _build(sample_copy, tmp_path)
    after = _relations(sample_copy)
    assert set(after) == set(before)
    changed = sorted(name for name in before if after[name] != before[name])
    assert changed in ([], ["staging.stg_loads__quarantine"]), changed
    with psycopg.connect(sample_copy) as conn:
        assert (
            conn.execute("select count(distinct applicant_key) from staging.stg_pos__appeals").fetchone()
            == keys
        )
        left = conn.execute(
            "select count(*) from raw.pos_appeals where applicant_email !~ '^pseudonym:'"
            " or applicant_surname not in ('', '[ФИО]')"
        ).fetchone()
    assert left == (0,)
