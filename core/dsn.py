"""The warehouse address as one typed value, built on SQLAlchemy's :class:`~sqlalchemy.engine.URL`.

Every room that needs the warehouse's address in another shape asks a :class:`Dsn` for it, instead of
editing connection strings by hand: libpq's form for psycopg, another database on the same server,
the ``postgresql+psycopg2`` form dagster-postgres needs, the variables of dbt's ``profiles.yml``, and
a masked form for anything printed or logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.conninfo import conninfo_to_dict
from sqlalchemy.engine import URL, make_url

_LIBPQ_SCHEME = "postgresql"


@dataclass(frozen=True)
class Dsn:
    """A PostgreSQL address; ``str(dsn)`` is the masked form, :meth:`secret` the usable one."""

    url: URL

    @classmethod
    def parse(cls, value: str | URL | Dsn) -> Dsn:
        """A URL (``postgresql://``, ``postgres://``, ``postgresql+driver://``) or libpq's key=value form."""
        if isinstance(value, Dsn):
            return value
        if isinstance(value, URL):
            return cls(value)
        if "://" in value:
            return cls(make_url(value))
        params = {k: str(v) for k, v in conninfo_to_dict(value).items()}
        port = params.pop("port", None)
        return cls(
            URL.create(
                _LIBPQ_SCHEME,
                username=params.pop("user", None),
                password=params.pop("password", None),
                host=params.pop("host", None),
                port=int(port) if port else None,
                database=params.pop("dbname", None),
                query=params,
            )
        )

    @classmethod
    def build(cls, *, user: str, password: str | None, host: str, port: int, database: str) -> Dsn:
        url = URL.create(
            _LIBPQ_SCHEME, username=user, password=password, host=host, port=port, database=database
        )
        return cls(url)

    # ---- shapes ---------------------------------------------------------------------------------
    def secret(self) -> str:
        """The libpq URL with its password (for psycopg and libpq tools); never print it."""
        return self.url.set(drivername=_LIBPQ_SCHEME).render_as_string(hide_password=False)

    def masked(self) -> str:
        """The URL with the password replaced by ``***`` (for messages and logs)."""
        return self.url.set(drivername=_LIBPQ_SCHEME).render_as_string(hide_password=True)

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"Dsn({self.masked()!r})"

    def with_database(self, database: str) -> Dsn:
        """The same server and credentials, another database."""
        return Dsn(self.url.set(database=database))

    def as_user(self, user: str, password: str | None) -> Dsn:
        """The same server and database, logged in as ``user`` (a role of :mod:`core.roles`)."""
        return Dsn(self.url.set(username=user, password=password))

    def with_driver(self, driver: str) -> Dsn:
        """The same address with a SQLAlchemy driver, e.g. ``psycopg2`` for dagster-postgres."""
        return Dsn(self.url.set(drivername=f"{_LIBPQ_SCHEME}+{driver}"))

    def sqlalchemy(self, driver: str = "psycopg") -> str:
        """A SQLAlchemy URL string with the password, for an engine (GX, pandas)."""
        return self.with_driver(driver).url.render_as_string(hide_password=False)

    @property
    def database(self) -> str:
        return self.url.database or "postgres"

    @property
    def user(self) -> str:
        return self.url.username or "postgres"

    @property
    def password(self) -> str | None:
        return self.url.password if self.url.password is None else str(self.url.password)

    @property
    def host(self) -> str:
        return self.url.host or "127.0.0.1"

    @property
    def port(self) -> int:
        return self.url.port or 5432


def mask_dsn(value: str | Dsn) -> str:
    """Any DSN with its password replaced by ``***``; text that is not a URL is returned as is."""
    try:
        return Dsn.parse(value).masked()
    except Exception:  # a message must never fail because of what it prints
        return str(value)
