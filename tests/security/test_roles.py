"""The warehouse's roles (core/roles.py), on the embedded server and on an external one.

Each role connects with its own address (``role_dsn``) and is refused what it must not do: write
outside its layer, read ``raw`` (Superset, analyst), create roles, databases or schemas; and allowed
what it must do. ``ensure_roles`` hands an existing warehouse's objects to their roles and, run
again, changes nothing.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from core.dsn import Dsn
from core.roles import LAYERS, REFRESH_FUNCTION, ROLES, RoleKey, ensure_roles, password_file, role_dsn
from core.settings import get_settings
from core.warehouse import EmbeddedWarehouse
from ingestion.load import ensure_raw_schema
from ingestion.schemas import warehouse_ddl

pytestmark = pytest.mark.integration

EXTERNAL = os.environ.get("CUR_TEST_EXTERNAL_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
Denied = (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)


def _reachable(dsn: str) -> bool:
    try:
        psycopg.connect(dsn, connect_timeout=3).close()
        return True
    except psycopg.Error:
        return False


@pytest.fixture(params=["embedded", "external"])
def admin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Dsn]:
    """The administrator of a fresh database on the embedded server or the external one.

    The embedded server keeps the project's generated passwords (roles are server-wide: a test must
    not change the demo's); on the external server the passwords come from the settings.
    """
    if request.param == "embedded":
        wh = EmbeddedWarehouse(get_settings())
        wh.start()
        server = wh.address("postgres")
    else:
        if not _reachable(EXTERNAL):
            pytest.skip("no external PostgreSQL (set CUR_TEST_EXTERNAL_DSN)")
        server = Dsn.parse(EXTERNAL)
        for key in ("loader", "dbt", "quality", "analyst"):
            monkeypatch.setenv(f"CUR_ROLE_PASSWORD_{key.upper()}", f"test-{key}-{uuid.uuid4().hex}")
        monkeypatch.setenv("SUPERSET_RO_PASSWORD", f"test-superset-{uuid.uuid4().hex}")
    name = f"cur_roles_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server.secret(), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')  # type: ignore[arg-type]
    try:
        yield server.with_database(name)
    finally:
        with psycopg.connect(server.secret(), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')  # type: ignore[arg-type]


def _existing_warehouse(admin: Dsn) -> None:
    """A warehouse as it was before the roles: everything owned by the administrator."""
    with psycopg.connect(admin.secret(), autocommit=True) as conn:
        ensure_raw_schema(conn)
        conn.execute(
            "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status)"
            " values ('pos', 'a.jsonl', 'pos/a.jsonl', 'h1', 1, 'loaded')"
        )
        conn.execute("create schema staging; create schema marts")
        conn.execute("create view staging.stg_batches as select batch_id, source from raw.load_batches")
        conn.execute("create table marts.kpi_example as select 1 as n")
        conn.execute("create materialized view marts.kpi_certification_status as select 1 as n")


def _state(admin: Dsn) -> list[Any]:
    """Everything the roles setup may change: roles, owners, privileges, default privileges."""
    names = [r.name for r in ROLES.values()]
    with psycopg.connect(admin.secret()) as conn:
        return [
            conn.execute(
                "select rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolconfig"
                " from pg_roles where rolname = any(%s) order by 1",
                (names,),
            ).fetchall(),
            conn.execute(
                "select n.nspname, c.relname, c.relowner::regrole::text, c.relacl::text from pg_class c"
                " join pg_namespace n on n.oid = c.relnamespace where n.nspname = any(%s) order by 1, 2",
                (list(LAYERS),),
            ).fetchall(),
            conn.execute(
                "select nspname, nspowner::regrole::text, nspacl::text from pg_namespace order by 1"
            ).fetchall(),
            conn.execute(
                "select defaclrole::regrole::text, defaclnamespace::regnamespace::text, defaclacl::text"
                " from pg_default_acl order by 1, 2"
            ).fetchall(),
            conn.execute(
                "select datacl::text from pg_database where datname = current_database()"
            ).fetchall(),
            conn.execute(
                "select proacl::text, proowner::regrole::text, prosrc from pg_proc"
                " where oid = to_regprocedure(%s)",
                (f"{REFRESH_FUNCTION}()",),
            ).fetchall(),
        ]


def _as(admin: Dsn, key: RoleKey) -> psycopg.Connection[Any]:
    return psycopg.connect(role_dsn(key, server=admin).secret(), autocommit=True)


def _refused(conn: psycopg.Connection[Any], statement: str) -> None:
    with pytest.raises(Denied):
        conn.execute(statement)  # type: ignore[arg-type]


def test_each_role_may_do_its_work_and_nothing_more(admin: Dsn) -> None:
    _existing_warehouse(admin)
    assert ensure_roles(admin, ddl=(warehouse_ddl(),))  # the existing objects are handed over
    with psycopg.connect(admin.secret()) as conn:
        owners = dict(
            conn.execute(
                "select n.nspname || '.' || c.relname, c.relowner::regrole::text from pg_class c"
                " join pg_namespace n on n.oid = c.relnamespace where n.nspname = any(%s)"
                " and c.relkind in ('r', 'v', 'm')",
                (list(LAYERS),),
            ).fetchall()
        )
        attributes = conn.execute(
            "select bool_or(rolsuper or rolcreaterole or rolcreatedb or rolbypassrls) from pg_roles"
            " where rolname = any(%s)",
            ([r.name for r in ROLES.values()],),
        ).fetchone()
    assert attributes == (False,)
    assert owners["raw.load_batches"] == "cur_loader"
    assert owners["staging.stg_batches"] == owners["marts.kpi_example"] == "cur_dbt"
    assert owners["quality.certifications"] == "cur_quality"

    with _as(admin, "loader") as loader:
        loader.execute("create table raw.new_source (x int)")
        loader.execute(
            "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes, status)"
            " values ('im', 'b.csv', 'im/b.csv', 'h2', 1, 'loaded')"
        )
        ensure_raw_schema(loader)  # the loader's own DDL runs under its role
        _refused(loader, "select * from marts.kpi_example")
        _refused(loader, "create table marts.x (x int)")
        _refused(loader, "create table staging.x (x int)")
        _refused(
            loader,
            "insert into quality.certifications (run_id, mart, suite, passed) values ('r', 'm', 's', true)",
        )
        _refused(loader, "create table public.x (x int)")

    with _as(admin, "dbt") as dbt:
        assert dbt.execute("select count(*) from raw.load_batches").fetchone() == (2,)
        assert dbt.execute("select count(*) from raw.new_source").fetchone() == (0,)  # created later
        dbt.execute("create table marts.kpi_later as select 3 as n")
        dbt.execute(
            "create or replace view staging.stg_batches as select batch_id, source from raw.load_batches"
        )
        dbt.execute("refresh materialized view marts.kpi_certification_status")
        dbt.execute("select count(*) from quality.certifications")
        _refused(
            dbt,
            "insert into raw.load_batches (source, file_name, file_path, content_hash, file_bytes,"
            " status) values ('x', 'x', 'x', 'x', 1, 'failed')",
        )
        _refused(dbt, "create table raw.x (x int)")
        _refused(
            dbt,
            "insert into quality.certifications (run_id, mart, suite, passed) values ('r', 'm', 's', true)",
        )
        _refused(dbt, "drop table raw.load_batches")

    with _as(admin, "quality") as quality:
        quality.execute(
            "insert into quality.certifications (run_id, mart, suite, passed) values ('r', 'm', 's', true)"
        )
        assert quality.execute("select count(*) from raw.load_batches").fetchone() == (2,)
        assert quality.execute("select n from marts.kpi_later").fetchone() == (3,)
        assert quality.execute(f"select {REFRESH_FUNCTION}()").fetchone() == (True,)  # type: ignore[arg-type]
        _refused(quality, "refresh materialized view marts.kpi_certification_status")
        _refused(quality, "insert into marts.kpi_example values (2)")
        _refused(quality, "create table marts.x (x int)")
        _refused(quality, "delete from raw.load_batches")

    with _as(admin, "superset") as superset:
        assert superset.execute("select n from marts.kpi_later").fetchone() == (3,)
        _refused(superset, "select count(*) from raw.load_batches")
        _refused(superset, "select count(*) from staging.stg_batches")
        _refused(superset, "select count(*) from quality.certifications")
        superset.execute("set default_transaction_read_only = off")  # the default is no protection alone
        _refused(superset, "insert into marts.kpi_example values (2)")

    with _as(admin, "analyst") as analyst:
        assert analyst.execute("select n from marts.kpi_later").fetchone() == (3,)
        assert analyst.execute("select count(*) from staging.stg_batches").fetchone() == (
            2,
        )  # via dbt's view
        _refused(analyst, "select count(*) from raw.load_batches")
        _refused(analyst, "select count(*) from raw.new_source")
        analyst.execute("set default_transaction_read_only = off")
        _refused(analyst, "insert into marts.kpi_example values (2)")

    for key in ROLES:
        with _as(admin, key) as conn:
            conn.execute("set default_transaction_read_only = off")
            _refused(conn, f"create role cur_intruder_{key}")
            _refused(conn, "create schema intruder")
            _refused(conn, "alter role current_user superuser")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"create database cur_intruder_{key}")  # type: ignore[arg-type]


def test_running_the_setup_again_changes_nothing(admin: Dsn) -> None:
    _existing_warehouse(admin)
    ensure_roles(admin, ddl=(warehouse_ddl(),))
    before = _state(admin)
    assert ensure_roles(admin, ddl=(warehouse_ddl(),)) == []
    assert _state(admin) == before


def test_grants_beyond_the_declaration_are_taken_back(admin: Dsn) -> None:
    _existing_warehouse(admin)
    ensure_roles(admin)
    with psycopg.connect(admin.secret(), autocommit=True) as conn:
        conn.execute("grant select on raw.load_batches to cur_analyst")
        conn.execute("grant insert on marts.kpi_example to cur_superset_ro")
        conn.execute("grant create on schema marts to cur_loader")
    changes = ensure_roles(admin)
    assert len(changes) == 3, changes
    with _as(admin, "analyst") as analyst:
        _refused(analyst, "select count(*) from raw.load_batches")
    with _as(admin, "loader") as loader:
        _refused(loader, "create table marts.x (x int)")


def test_generated_passwords_are_kept_0600_and_never_sent_in_clear(admin: Dsn) -> None:
    ensure_roles(admin)
    settings = get_settings()
    with psycopg.connect(admin.secret()) as conn:
        stored = dict(
            conn.execute(
                "select rolname, rolpassword from pg_authid where rolname = any(%s)",
                ([r.name for r in ROLES.values()],),
            ).fetchall()
        )
    for key, role in ROLES.items():
        assert stored[role.name].startswith("SCRAM-SHA-256$")
        path = password_file(key, settings)
        if path.exists():  # generated (the embedded server); the external one's come from settings
            assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.unit
def test_dbt_owns_every_schema_it_builds_and_reads_every_source() -> None:
    """A new dbt schema (dbt_project.yml) must be given to dbt's role here, or dbt cannot create it."""
    from core.dbt import Manifest

    manifest = Manifest.load()
    built = {
        n["schema"]
        for n in manifest.data["nodes"].values()
        if n["resource_type"] in {"model", "seed", "snapshot"}
    }
    sources = {n["schema"] for n in manifest.data["sources"].values()}
    assert built <= set(ROLES["dbt"].owns)
    assert sources <= set(ROLES["dbt"].reads)
