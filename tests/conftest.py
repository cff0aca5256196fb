"""Fixtures and tiers of the test suite.

Tiers (markers, assigned here from what a test uses; a module may also mark itself):

* ``unit``: no database, seconds;
* ``integration``: a real PostgreSQL (``dsn``, ``conn``, ``server_dsn`` …);
* ``e2e``: dbt, Dagster, Great Expectations on a built warehouse, Superset and the browser
  (``sample_build`` and its copies, the ``dbt``, ``dagster`` and ``spark`` rooms, or marked
  ``slow``/``superset``/``spark``; ``spark``: the local Spark + Iceberg cluster).

``make test-fast`` runs the first two tiers; ``make test`` runs all three.

By default the project's embedded server is started (and left running for the next session); set
CUR_WAREHOUSE_DSN to run the suite against an external server instead. Each test gets its own
database, copied from a template, so tests never see each other's rows and never touch the demo
database. One build of the sample (loaded and built by the product's daily job in Dagster) is shared
by every test that only reads it; a test that changes it works on a copy (``sample_copy``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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
# Every test of these rooms runs dbt or Dagster (the manifest, a dbt build or docs, a Dagster run).
_E2E_ROOMS = {"dbt", "dagster", "spark"}


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
    if hasattr(config, "workerinput"):
        return
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None:
        with contextlib.suppress(Exception):  # the server may be gone already; nothing to clean then
            server = get_settings().warehouse_dsn
            dsn = server.get_secret_value() if server else EmbeddedWarehouse(get_settings()).dsn("postgres")
            for database in (_sample_database(factory.getbasetemp()),):
                drop_database(with_database(dsn, "postgres"), database)
                drop_database(with_database(dsn, "postgres"), f"{database}_t")
    if getattr(config, _STARTED_BY_THE_RUN, False):
        EmbeddedWarehouse(get_settings()).stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test exactly one tier marker."""
    for item in items:
        marks = {m.name for m in item.iter_markers()}
        fixtures = set(getattr(item, "fixturenames", ()))
        if marks & {"unit", "integration", "e2e"}:
            continue
        room = item.path.parent.name  # tests/<room>/test_*.py
        if fixtures & _E2E_FIXTURES or marks & {"slow", "superset", "spark"} or room in _E2E_ROOMS:
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


def _run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of this run that every xdist worker shares (the workers' base folders are in it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _sample_database(run_dir: Path) -> str:
    return "cur_test_sample_" + hashlib.sha1(str(run_dir).encode()).hexdigest()[:10]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sample_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated sample, written once per run (whichever worker comes first)."""
    from generator import generate

    run_dir = _run_dir(tmp_path_factory)
    root = run_dir / "sample_landing"
    with _locked(run_dir / "sample_landing.lock"):
        if not (root / "_manifest.json").exists():
            generate(root, **SAMPLE)  # type: ignore[arg-type]
    return root


@pytest.fixture(scope="session")
def sample_build(
    server_dsn: str, template_db: str, sample_landing: Path, tmp_path_factory: pytest.TempPathFactory
) -> SampleBuild:
    """The product's ``daily_incremental`` job (minus the Superset publication) on the sample, once
    per run: the first worker builds it, the other reuses it (the run's controller drops it).

    Read it, never change it: a test that changes data takes ``sample_copy``.
    """
    from tests.pipeline import check_failures, run_job

    run_dir = _run_dir(tmp_path_factory)
    name = _sample_database(run_dir)
    record = run_dir / "sample_build.json"
    with _locked(run_dir / "sample_build.lock"):
        if not record.exists():
            drop_database(server_dsn, name)
            result = run_job(create_database(server_dsn, name, template_db), sample_landing)
            # copies are made from a twin nobody reads: copying terminates the template's sessions
            drop_database(server_dsn, f"{name}_t")
            create_database(server_dsn, f"{name}_t", name)
            record.write_text(json.dumps({"success": result.success, "failed": check_failures(result)}))
    outcome = json.loads(record.read_text())
    dsn = with_database(server_dsn, name)
    return SampleBuild(name, dsn, sample_landing, outcome["success"], tuple(outcome["failed"]))


@pytest.fixture
def sample_copy(
    server_dsn: str, sample_build: SampleBuild, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A private copy of the built sample, dropped after the test."""
    name = f"cur_test_{uuid.uuid4().hex[:12]}"
    with _locked(_run_dir(tmp_path_factory) / "sample_copy.lock"):  # one copy of the template at a time
        dsn = create_database(server_dsn, name, f"{sample_build.name}_t")
    yield dsn
    drop_database(server_dsn, name)
