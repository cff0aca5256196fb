"""Fixtures and tiers of the test suite.

Tiers (markers, assigned here from what a test uses; a module may also mark itself):

* ``unit``: no database, seconds;
* ``integration``: a real PostgreSQL (``dsn``, ``conn``, ``server_dsn`` …);
* ``e2e``: dbt, Dagster, Great Expectations on a built warehouse, Superset and the browser
  (``sample_build`` and its copies, or marked ``slow``/``superset``).

``make test-fast`` runs the first two tiers; ``make test`` runs all three.

By default the project's embedded server is started (and left running for the next session); set
CUR_WAREHOUSE_DSN to run the suite against an external server instead. Each test gets its own
database, copied from a template, so tests never see each other's rows and never touch the demo
database. One build of the sample (loaded and built by the product's daily job in Dagster) is shared
by every test that only reads it; a test that changes it works on a copy (``sample_copy``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
import pytest

from core.dsn import Dsn
from core.settings import get_settings
from core.warehouse import EmbeddedWarehouse
from ingestion.load import ensure_raw_schema

_DATABASE_FIXTURES = {"dsn", "conn", "server_dsn", "template_db"}
_E2E_FIXTURES = {"sample_build", "sample_copy", "sample_landing"}


_STARTED_BY_THE_RUN = "_cur_started_embedded_server"


def pytest_configure(config: pytest.Config) -> None:
    """Once per run (in the controller when xdist runs workers): the dbt manifest the Dagster
    definitions are built from, and the embedded server (stopped again at the end if this run started
    it). Workers start only after this, so they never parse or start anything twice."""
    if hasattr(config, "workerinput"):
        return
    from core.dbt import prepare_manifest

    prepare_manifest()
    settings = get_settings()
    if settings.warehouse_dsn is None:
        wh = EmbeddedWarehouse(settings)
        was_running = wh.is_running()
        wh.start()
        setattr(config, _STARTED_BY_THE_RUN, not was_running)


def pytest_unconfigure(config: pytest.Config) -> None:
    if getattr(config, _STARTED_BY_THE_RUN, False):
        EmbeddedWarehouse(get_settings()).stop()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group markers (its hook is registered later)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test exactly one tier marker; keep the users of the shared build on one xdist worker."""
    for item in items:
        marks = {m.name for m in item.iter_markers()}
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & _E2E_FIXTURES:
            item.add_marker(pytest.mark.xdist_group("sample_build"))
        if marks & {"unit", "integration", "e2e"}:
            continue
        if fixtures & _E2E_FIXTURES or marks & {"slow", "superset"}:
            item.add_marker(pytest.mark.e2e)
        elif fixtures & _DATABASE_FIXTURES:
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)


def with_database(dsn: str, database: str) -> str:
    """The same server and credentials, another database."""
    return Dsn.parse(dsn).with_database(database).secret()


def create_database(server_dsn: str, name: str, template: str | None = None) -> str:
    """Create ``name`` (empty, or as a copy of ``template``) and return its DSN."""
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        if template:
            # A template must have no other sessions (pooled connections of GX or Dagster may linger).
            conn.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity"
                " where datname = %s and pid <> pg_backend_pid()",
                (template,),
            )
            conn.execute(f'create database "{name}" template "{template}"')  # type: ignore[arg-type]
        else:
            conn.execute(f'create database "{name}"')  # type: ignore[arg-type]
    return with_database(server_dsn, name)


def drop_database(server_dsn: str, name: str) -> None:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')  # type: ignore[arg-type]


@pytest.fixture(scope="session", autouse=True)
def _quiet_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Data Docs of the tests go to a temporary folder, never into the project's state."""
    previous = os.environ.get("CUR_GX_DOCS_DIR")
    os.environ["CUR_GX_DOCS_DIR"] = str(tmp_path_factory.mktemp("gx_docs"))
    yield
    if previous is None:
        os.environ.pop("CUR_GX_DOCS_DIR", None)
    else:
        os.environ["CUR_GX_DOCS_DIR"] = previous


@pytest.fixture(scope="session")
def server_dsn() -> str:
    """DSN of the server's maintenance database (``postgres``); the run started it (``pytest_configure``)."""
    settings = get_settings()
    if settings.warehouse_dsn is not None:
        return with_database(settings.warehouse_dsn.get_secret_value(), "postgres")
    wh = EmbeddedWarehouse(settings)
    wh.start()  # a no-op when running; the lock makes concurrent workers safe
    return wh.dsn("postgres")


@pytest.fixture(scope="session")
def template_db(server_dsn: str) -> Iterator[str]:
    name = f"cur_test_tmpl_{os.getpid()}"  # one per xdist worker
    drop_database(server_dsn, name)
    with psycopg.connect(create_database(server_dsn, name)) as conn:
        ensure_raw_schema(conn)
    yield name
    drop_database(server_dsn, name)


@pytest.fixture
def dsn(server_dsn: str, template_db: str) -> Iterator[str]:
    """A fresh database with an empty raw schema, dropped after the test."""
    name = f"cur_test_{uuid.uuid4().hex[:12]}"
    yield create_database(server_dsn, name, template_db)
    drop_database(server_dsn, name)


@pytest.fixture
def conn(dsn: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(dsn) as c:
        yield c


# ---- the shared build of the sample ------------------------------------------------------------

SAMPLE = {"appeals": 300, "seed": 3, "start": date(2026, 1, 1), "months": 2}


@dataclass(frozen=True)
class SampleBuild:
    """The sample, loaded and built by the daily job; ``name`` is a database to read or copy."""

    name: str
    dsn: str
    landing: Path
    run_success: bool
    checks_failed: tuple[str, ...]


@pytest.fixture(scope="session")
def sample_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator import generate

    root = tmp_path_factory.mktemp("sample_landing")
    generate(root, **SAMPLE)  # type: ignore[arg-type]
    return root


@pytest.fixture(scope="session")
def sample_build(server_dsn: str, template_db: str, sample_landing: Path) -> Iterator[SampleBuild]:
    """The product's ``daily_incremental`` job (minus the Superset publication) on the sample, once.

    Read it, never change it: a test that changes data takes ``sample_copy``.
    """
    from tests.pipeline import check_failures, run_job

    name = f"cur_test_sample_{os.getpid()}"
    drop_database(server_dsn, name)
    dsn = create_database(server_dsn, name, template_db)
    result = run_job(dsn, sample_landing)
    yield SampleBuild(name, dsn, sample_landing, result.success, tuple(check_failures(result)))
    drop_database(server_dsn, name)


@pytest.fixture
def sample_copy(server_dsn: str, sample_build: SampleBuild) -> Iterator[str]:
    """A private copy of the built sample, dropped after the test."""
    name = f"cur_test_{uuid.uuid4().hex[:12]}"
    yield create_database(server_dsn, name, sample_build.name)
    drop_database(server_dsn, name)
