"""The embedded warehouse's lifecycle, and the external-server path by DSN."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import psycopg
import pytest

from core.settings import get_settings
from core.warehouse import EmbeddedWarehouse, WarehouseError, mask_dsn, resolve_dsn
from ingestion.load import load_landing
from tests import factories as f


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_embedded_server_starts_stops_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CUR_EMBEDDED_PORT", str(_free_port()))
    monkeypatch.delenv("CUR_WAREHOUSE_DSN", raising=False)
    wh = EmbeddedWarehouse(get_settings())
    assert not wh.is_initialised()
    with pytest.raises(WarehouseError, match="cur warehouse start"):
        resolve_dsn(get_settings())
    try:
        wh.start()
        assert wh.is_running()
        wh.start()  # idempotent
        password_file = tmp_path / "state" / "warehouse.password"
        assert oct(password_file.stat().st_mode & 0o777) == "0o600"
        with psycopg.connect(wh.dsn()) as conn:
            conn.execute("create table kept (x int); insert into kept values (42)")
        assert wh.stop() is True
        assert not wh.is_running()
        assert wh.stop() is False
        wh.start()
        with psycopg.connect(resolve_dsn(get_settings())) as conn:
            assert conn.execute("select x from kept").fetchone() == (42,)
    finally:
        wh.stop()


def test_embedded_server_refuses_a_wrong_password(server_dsn: str) -> None:
    if get_settings().warehouse_dsn:
        pytest.skip("the suite runs against an external server")
    bad = server_dsn.replace(server_dsn.split(":")[2].split("@")[0], "wrong")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(bad, connect_timeout=5)


def test_mask_dsn_hides_the_password() -> None:
    assert mask_dsn("postgresql://u:s3cret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert mask_dsn("postgresql://u@h/db") == "postgresql://u@h/db"


EXTERNAL = os.environ.get("CUR_TEST_EXTERNAL_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _reachable(dsn: str) -> bool:
    try:
        psycopg.connect(dsn, connect_timeout=3).close()
        return True
    except psycopg.Error:
        return False


@pytest.mark.external
def test_an_external_server_by_dsn_loads_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The external path: CUR_WAREHOUSE_DSN points at another PostgreSQL (here the machine's 15)."""
    if not _reachable(EXTERNAL):
        pytest.skip(f"no external PostgreSQL at {mask_dsn(EXTERNAL)} (set CUR_TEST_EXTERNAL_DSN)")
    name = f"cur_ext_test_{os.getpid()}"
    with psycopg.connect(EXTERNAL, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}"')
    dsn = EXTERNAL.rsplit("/", 1)[0] + f"/{name}"
    try:
        monkeypatch.setenv("CUR_WAREHOUSE_DSN", dsn)
        assert resolve_dsn(get_settings()) == dsn
        f.write_jsonl(tmp_path / "pos" / "a.jsonl", [f.pos_record(1), "{bad"])
        [result] = load_landing(dsn, tmp_path)
        assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 1, 1)
        with psycopg.connect(dsn) as conn:
            assert conn.execute("select count(*) from raw.pos_appeal_events").fetchone() == (2,)
            assert int(conn.execute("show server_version_num").fetchone()[0]) < 180000  # type: ignore[index]
    finally:
        with psycopg.connect(EXTERNAL, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def test_a_taken_port_is_replaced_by_a_free_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("CUR_WAREHOUSE_DSN", raising=False)
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        taken = blocker.getsockname()[1]
        monkeypatch.setenv("CUR_EMBEDDED_PORT", str(taken))
        wh = EmbeddedWarehouse(get_settings())
        try:
            wh.start()
            assert wh.port() != taken
            assert any(f"port {taken}" in n for n in wh.notices)
            with psycopg.connect(wh.dsn()) as conn:
                assert conn.execute("select 1").fetchone() == (1,)
        finally:
            wh.stop()


def test_dotenv_fills_only_what_the_environment_leaves_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core import settings as settings_module

    env = tmp_path / ".env"
    env.write_text(
        "# comment\nCUR_LANDING_DIR=/from/file\nexport CUR_EMBEDDED_DATABASE='quoted'\nCUR_EMBEDDED_PORT=1\n"
    )
    monkeypatch.setattr(settings_module, "PROJECT_ROOT", tmp_path)
    monkeypatch.setenv("CUR_EMBEDDED_PORT", "6543")
    for name in ("CUR_LANDING_DIR", "CUR_EMBEDDED_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    settings = settings_module.get_settings()
    assert (settings.landing_dir, settings.embedded_database, settings.embedded_port) == (
        Path("/from/file"),
        "quoted",
        6543,
    )


def test_dbt_env_splits_a_dsn_into_the_profile_variables() -> None:
    from core.dbt import dbt_env

    env = dbt_env("postgresql://u%40x:p%2Fw@db.local:6543/dwh")
    assert {k: v for k, v in env.items() if k.startswith("CUR_DBT_")} == {
        "CUR_DBT_HOST": "db.local",
        "CUR_DBT_PORT": "6543",
        "CUR_DBT_USER": "u@x",
        "CUR_DBT_PASSWORD": "p/w",
        "CUR_DBT_DBNAME": "dwh",
    }
    assert env["CUR_SOURCE_TIMEZONE"] == get_settings().source_timezone
