"""The read-only database role Superset connects with: ``cur_superset_ro``, SELECT on schema marts only.

Created from the pipeline's side with psycopg by a role that owns the marts (the warehouse's
superuser, or whoever runs dbt). Its password is generated once and kept in
``$CUR_STATE_DIR/superset/ro_password`` (mode 0600), or taken from ``SUPERSET_RO_PASSWORD``. Every
call is idempotent: it (re)sets the password, grants usage on ``marts`` and select on its tables and
views, and sets default privileges so that the tables dbt creates later are readable too.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from core.dsn import Dsn
from core.secrets import new_token
from core.settings import get_settings
from superset_assets import launcher

ROLE = "cur_superset_ro"
SCHEMA = "marts"


def ro_password() -> str:
    given = get_settings().superset_ro_password
    return (
        given.get_secret_value()
        if given
        else launcher._kept_secret(launcher.state_dir() / "ro_password", lambda: new_token(24))
    )


def ensure_readonly_role(owner_dsn: str, role: str = ROLE) -> str:
    """Create or update the read-only role in the database of ``owner_dsn``; return Superset's DSN.

    ``owner_dsn`` must be a role that may create roles and owns (or creates, through dbt) the marts.
    The returned DSN is the same server and database, logged in as ``role``.
    """
    password = ro_password()
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        ident = sql.Identifier(role)
        exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
        verb = sql.SQL("alter") if exists else sql.SQL("create")
        conn.execute(
            sql.SQL("{} role {} login nosuperuser nocreatedb nocreaterole noinherit password {}").format(
                verb, ident, sql.Literal(password)
            )
        )
        conn.execute(sql.SQL("alter role {} set default_transaction_read_only = on").format(ident))
        database = conn.execute("select current_database()").fetchone()
        assert database is not None
        conn.execute(sql.SQL("grant connect on database {} to {}").format(sql.Identifier(database[0]), ident))
        conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(SCHEMA)))
        schema = sql.Identifier(SCHEMA)
        conn.execute(sql.SQL("grant usage on schema {} to {}").format(schema, ident))
        conn.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema, ident))
        # Tables and views that dbt (running as this owner) creates from now on.
        default = sql.SQL("alter default privileges in schema {} grant select on tables to {}")
        conn.execute(default.format(schema, ident))
    return dsn_for_role(owner_dsn, role, password)


def dsn_for_role(dsn: str, role: str, password: str) -> str:
    """The same server and database, logged in as ``role``."""
    return Dsn(Dsn.parse(dsn).url.set(username=role, password=password)).secret()
