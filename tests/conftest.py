"""Fixtures: a real PostgreSQL for every test that needs one.

By default the project's embedded server is started (and left running for the next session); set
CUR_WAREHOUSE_DSN to run the suite against an external server instead. Each test gets its own
database, copied from a template that already holds the raw schema, so tests never see each
other's rows and never touch the demo database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from ingestion.config import get_settings
from ingestion.load import ensure_raw_schema
from ingestion.warehouse import EmbeddedWarehouse


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture(scope="session")
def server_dsn() -> Iterator[str]:
    """DSN of the server's maintenance database (``postgres``).

    The embedded server is stopped again at the end if the session started it.
    """
    settings = get_settings()
    if settings.warehouse_dsn:
        yield with_database(settings.warehouse_dsn, "postgres")
        return
    wh = EmbeddedWarehouse(settings)
    was_running = wh.is_running()
    wh.start()
    yield wh.dsn("postgres")
    if not was_running:
        wh.stop()


@pytest.fixture(scope="session")
def template_db(server_dsn: str) -> Iterator[str]:
    name = f"cur_test_tmpl_{os.getpid()}"
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}"')
    with psycopg.connect(with_database(server_dsn, name)) as conn:
        ensure_raw_schema(conn)
    yield name
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def dsn(server_dsn: str, template_db: str) -> Iterator[str]:
    """A fresh database with an empty raw schema, dropped after the test."""
    name = f"cur_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'create database "{name}" template "{template_db}"')
    yield with_database(server_dsn, name)
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def conn(dsn: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(dsn) as c:
        yield c
