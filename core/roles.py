"""The warehouse's roles: who may read and write which layer (least privilege).

=========  ===================  =========================================  ==============================
key        role                 owns (creates and writes)                  reads
=========  ===================  =========================================  ==============================
loader     ``cur_loader``       ``raw``                                    —
dbt        ``cur_dbt``          ``staging`` ``intermediate`` ``marts``     ``raw`` ``quality``
                                ``snapshots`` ``reference`` ``private``
quality    ``cur_quality``      ``quality`` (the certification record)     every layer but ``private``
superset   ``cur_superset_ro``  —                                          ``marts`` (read-only sessions)
analyst    ``cur_analyst``      —                                          ``marts`` ``staging``
=========  ===================  =========================================  ==============================

None is a superuser, may create roles or databases, or owns what it only reads. ``staging`` is
pseudonymised (personal data stops there): its views read ``raw`` with their owner's (dbt's) rights,
so the analyst reads them without reaching ``raw``. The administrator, the embedded server's
superuser or the account of ``CUR_WAREHOUSE_DSN``, runs :func:`ensure_roles` and owns no layer.

Passwords: ``CUR_ROLE_PASSWORD_<KEY>`` (Superset's: ``SUPERSET_RO_PASSWORD``) when set, else
generated once into the state folder (mode 0600, :func:`core.secrets.kept_secret`).

Other code asks for a role's address with :func:`role_dsn` (a :class:`~core.dsn.Dsn`; ``.secret()``
for psycopg, ``.sqlalchemy()`` for an engine), never by editing a connection string.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg import sql

from core.dsn import Dsn
from core.secrets import kept_secret, new_token
from core.settings import Settings, get_settings

RoleKey = Literal["loader", "dbt", "quality", "superset", "analyst"]

# Role attributes: no superuser, no role or database creation, no replication, no RLS bypass.
_ATTRIBUTES = {
    "rolsuper": False,
    "rolcreaterole": False,
    "rolcreatedb": False,
    "rolcanlogin": True,
    "rolreplication": False,
    "rolbypassrls": False,
    "rolinherit": False,
}
_ATTRIBUTE_SQL = "login nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls"
_RELATION_KINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "f": "foreign table"}
_SETUP_LOCK = 7_202_600_013
_WRITE_PRIVILEGES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")

# The materialized view the certification step refreshes after each write, through a function that
# runs with its owner's (dbt's) rights: only the owner may refresh a materialized view.
REFRESH_FUNCTION = "marts.refresh_certification_status"
_REFRESH_BODY = """
begin
    if exists (
        select 1 from pg_matviews where schemaname = 'marts' and matviewname = 'kpi_certification_status'
    ) then
        refresh materialized view marts.kpi_certification_status;
        return true;
    end if;
    return false;
end
"""


@dataclass(frozen=True)
class Role:
    key: RoleKey
    name: str
    owns: tuple[str, ...]
    reads: tuple[str, ...]
    read_only: bool = False
    description: str = ""


ROLES: dict[RoleKey, Role] = {
    r.key: r
    for r in (
        Role("loader", "cur_loader", ("raw",), (), description="the loader: writes raw only"),
        Role(
            "dbt",
            "cur_dbt",
            ("staging", "intermediate", "marts", "snapshots", "reference", "private"),
            ("raw", "quality"),
            description="dbt: owns the layers it builds, reads raw and the certification record",
        ),
        Role(
            "quality",
            "cur_quality",
            ("quality",),
            ("raw", "staging", "intermediate", "marts", "snapshots", "reference"),
            description="Great Expectations and the certification: writes quality only",
        ),
        Role("superset", "cur_superset_ro", (), ("marts",), True, "Superset: reads marts only"),
        Role("analyst", "cur_analyst", (), ("marts", "staging"), True, "analysts: marts and staging"),
    )
}
LAYERS: tuple[str, ...] = tuple(s for r in ROLES.values() for s in r.owns)


class RolesError(RuntimeError):
    """The roles could not be set up; the message says what to do."""


# ---- passwords and addresses ---------------------------------------------------------------------


def password_file(key: RoleKey, settings: Settings | None = None) -> Path:
    """Where a role's generated password is kept (when no setting gives it)."""
    settings = settings or get_settings()
    if key == "superset":  # where superset_assets kept it before the roles existed
        assert settings.superset_state_dir is not None
        return settings.superset_state_dir / "ro_password"
    return settings.state_dir / "roles" / f"{ROLES[key].name}.password"


def role_password(key: RoleKey, settings: Settings | None = None) -> str:
    """``CUR_ROLE_PASSWORD_<KEY>`` (``SUPERSET_RO_PASSWORD``) if set, else the kept secret file."""
    settings = settings or get_settings()
    name = "superset_ro_password" if key == "superset" else f"role_password_{key}"
    given = getattr(settings, name)
    if given is not None:
        return str(given.get_secret_value())
    return kept_secret(password_file(key, settings), lambda: new_token(24))


def role_dsn(
    key: RoleKey, settings: Settings | None = None, *, server: str | Dsn | None = None, start: bool = False
) -> Dsn:
    """The warehouse's address logged in as the role ``key``.

    ``server``: the administrator's address (same host and database); default the warehouse of the
    settings (:func:`core.warehouse.warehouse_dsn`, started when ``start``).
    """
    from core.warehouse import warehouse_dsn

    settings = settings or get_settings()
    admin = Dsn.parse(server) if server is not None else warehouse_dsn(settings, start=start)
    return admin.as_user(ROLES[key].name, role_password(key, settings))


# ---- setting the roles up --------------------------------------------------------------------------


def _verifies(stored: str | None, user: str, password: str) -> bool:
    """Whether a ``pg_authid.rolpassword`` (SCRAM-SHA-256 or md5) is the hash of ``password``."""
    if not stored:
        return False
    if stored.startswith("md5"):
        return hmac.compare_digest(stored, "md5" + hashlib.md5((password + user).encode()).hexdigest())
    try:
        method, rest = stored.split("$", 1)
        params, keys = rest.split("$", 1)
        iterations, salt = params.split(":", 1)
        stored_key, _ = keys.split(":", 1)
    except ValueError:
        return False
    if method != "SCRAM-SHA-256":
        return False
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(hashlib.sha256(client_key).digest()).decode(), stored_key)


def scram_verifier(password: str, *, iterations: int = 4096, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password``.

    Roles get their password as this verifier, never in clear: a statement PostgreSQL logs (a failed
    one is, with ``log_min_error_statement``) then shows no password.
    """
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return (
        f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(hashlib.sha256(client_key).digest())}:{b64(server_key)}"
    )


class _Setup:
    """One pass of :func:`ensure_roles` on one connection; every step acts only when needed."""

    def __init__(self, conn: psycopg.Connection[Any], settings: Settings, roles: Sequence[Role]) -> None:
        self.conn = conn
        self.settings = settings
        self.roles = roles
        self.changes: list[str] = []
        row = conn.execute(
            "select current_user, rolsuper from pg_roles where rolname = current_user"
        ).fetchone()
        assert row is not None
        self.admin, self.superuser = str(row[0]), bool(row[1])

    def run(self, sql_: sql.Composable | str, change: str) -> None:
        self.conn.execute(sql_)  # type: ignore[arg-type]
        self.changes.append(change)

    def one(self, query: str, params: Sequence[object] = ()) -> Any:
        row = self.conn.execute(query, params).fetchone()  # type: ignore[arg-type]
        return row[0] if row else None

    # roles -----------------------------------------------------------------------------------------
    def role(self, role: Role, password: str) -> None:
        ident = sql.Identifier(role.name)
        found = self.conn.execute(
            "select "
            + ", ".join(_ATTRIBUTES)
            + ", coalesce(rolconfig, '{}') from pg_roles where rolname = %s",
            (role.name,),
        ).fetchone()
        if found is None:
            try:
                with self.conn.transaction():
                    self.conn.execute(
                        sql.SQL("create role {} " + _ATTRIBUTE_SQL + " password {}").format(
                            ident, sql.Literal(scram_verifier(password))
                        )
                    )
                self.changes.append(f"created role {role.name}")
            except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
                pass  # created at the same moment by another session on this server
            found = self.conn.execute(
                "select "
                + ", ".join(_ATTRIBUTES)
                + ", coalesce(rolconfig, '{}') from pg_roles where rolname = %s",
                (role.name,),
            ).fetchone()
            assert found is not None
        if dict(zip(_ATTRIBUTES, found[:-1], strict=True)) != _ATTRIBUTES:
            self.run(
                sql.SQL("alter role {} " + _ATTRIBUTE_SQL).format(ident), f"reset attributes of {role.name}"
            )
        if self.superuser:
            stored = self.one("select rolpassword from pg_authid where rolname = %s", (role.name,))
            if not _verifies(stored, role.name, password):
                self.run(
                    sql.SQL("alter role {} password {}").format(ident, sql.Literal(scram_verifier(password))),
                    f"set the password of {role.name}",
                )
        else:  # the hash is not readable: set it (no visible change when it is the same)
            self.conn.execute(
                sql.SQL("alter role {} password {}").format(ident, sql.Literal(scram_verifier(password)))
            )
        read_only = "default_transaction_read_only=on" in found[-1]
        if role.read_only and not read_only:
            self.run(
                sql.SQL("alter role {} set default_transaction_read_only = on").format(ident),
                f"made sessions of {role.name} read-only",
            )
        database = self.one("select current_database()")
        if not self.one("select has_database_privilege(%s, current_database(), 'CONNECT')", (role.name,)):
            self.run(
                sql.SQL("grant connect on database {} to {}").format(sql.Identifier(database), ident),
                f"granted connect on {database} to {role.name}",
            )
        if self.one("select has_database_privilege(%s, current_database(), 'CREATE')", (role.name,)):
            self.run(
                sql.SQL("revoke create on database {} from {}").format(sql.Identifier(database), ident),
                f"revoked create on database {database} from {role.name}",
            )

    # ownership -------------------------------------------------------------------------------------
    def owned_schema(self, schema: str, owner: Role) -> None:
        ident, owner_ident = sql.Identifier(schema), sql.Identifier(owner.name)
        current = self.one("select pg_get_userbyid(nspowner) from pg_namespace where nspname = %s", (schema,))
        if current is None:
            self.run(
                sql.SQL("create schema {} authorization {}").format(ident, owner_ident),
                f"created schema {schema}",
            )
        elif current != owner.name:
            self.run(
                sql.SQL("alter schema {} owner to {}").format(ident, owner_ident),
                f"{schema}: owner {owner.name}",
            )
        relations = self.conn.execute(
            "select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relkind = any(%s) and pg_get_userbyid(c.relowner) <> %s order by 1",
            (schema, list(_RELATION_KINDS), owner.name),
        ).fetchall()
        for name, kind in relations:
            self.run(
                sql.SQL("alter {} {}.{} owner to {}").format(
                    sql.SQL(_RELATION_KINDS[kind]), ident, sql.Identifier(name), owner_ident
                ),
                f"{schema}.{name}: owner {owner.name}",
            )
        # sequences that no table owns (a table's own sequences follow it)
        sequences = self.conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relkind = 'S' and pg_get_userbyid(c.relowner) <> %s"
            " and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i'))",
            (schema, owner.name),
        ).fetchall()
        for (name,) in sequences:
            self.run(
                sql.SQL("alter sequence {}.{} owner to {}").format(ident, sql.Identifier(name), owner_ident),
                f"{schema}.{name}: owner {owner.name}",
            )
        functions = self.conn.execute(
            "select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname = %s and pg_get_userbyid(p.proowner) <> %s",
            (schema, owner.name),
        ).fetchall()
        for (signature,) in functions:
            self.run(
                sql.SQL("alter routine {} owner to {}").format(sql.SQL(signature), owner_ident),
                f"{signature}: owner {owner.name}",
            )

    # reading -------------------------------------------------------------------------------------
    def reader(self, role: Role, schema: str, owner: str) -> None:
        """``role`` reads every relation of ``schema``, and those ``owner`` and the administrator
        create later (default privileges; the administrator's serve a single-account warehouse)."""
        ident, schema_ident = sql.Identifier(role.name), sql.Identifier(schema)
        if not self.one("select to_regnamespace(%s) is not null", (schema,)):
            self.run(
                sql.SQL("create schema {} authorization {}").format(schema_ident, sql.Identifier(owner)),
                f"created schema {schema}",
            )
        if not self.one("select has_schema_privilege(%s, %s, 'USAGE')", (role.name, schema)):
            self.run(
                sql.SQL("grant usage on schema {} to {}").format(schema_ident, ident),
                f"{role.name}: usage on {schema}",
            )
        unreadable = self.conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relkind = any(%s) and not has_table_privilege(%s, c.oid, 'SELECT')",
            (schema, list(_RELATION_KINDS), role.name),
        ).fetchone()
        if unreadable:
            self.run(
                sql.SQL("grant select on all tables in schema {} to {}").format(schema_ident, ident),
                f"{role.name}: select on the tables of {schema}",
            )
        for creator in dict.fromkeys((owner, self.admin)):
            defaults = self.one(
                "select count(*) from pg_default_acl d join pg_namespace n on n.oid = d.defaclnamespace,"
                " aclexplode(d.defaclacl) a where n.nspname = %s and d.defaclobjtype = 'r'"
                " and d.defaclrole = %s::regrole and a.grantee = %s::regrole and a.privilege_type = 'SELECT'",
                (schema, creator, role.name),
            )
            if not defaults:
                self.run(
                    sql.SQL(
                        "alter default privileges for role {} in schema {} grant select on tables to {}"
                    ).format(sql.Identifier(creator), schema_ident, ident),
                    f"{role.name}: select on the tables {creator} creates in {schema}",
                )

    def no_more_than_declared(self, role: Role) -> None:
        """Revoke what a role holds beyond its declaration (grants of an earlier setup, by hand)."""
        ident = sql.Identifier(role.name)
        for schema in LAYERS:
            if schema in role.owns or not self.one("select to_regnamespace(%s) is not null", (schema,)):
                continue
            schema_ident = sql.Identifier(schema)
            if self.one("select has_schema_privilege(%s, %s, 'CREATE')", (role.name, schema)):
                self.run(
                    sql.SQL("revoke create on schema {} from {}").format(schema_ident, ident),
                    f"{role.name}: no create on {schema}",
                )
            reads = schema in role.reads
            held = self.conn.execute(
                "select distinct a.privilege_type from pg_class c"
                " join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) a"
                " where n.nspname = %s and a.grantee = %s::regrole",
                (schema, role.name),
            ).fetchall()
            extra = sorted(p for (p,) in held if p in _WRITE_PRIVILEGES or (p == "SELECT" and not reads))
            if extra:
                self.run(
                    sql.SQL("revoke {} on all tables in schema {} from {}").format(
                        sql.SQL(", ").join(sql.SQL(p) for p in extra), schema_ident, ident
                    ),
                    f"{role.name}: revoked {', '.join(extra).lower()} on {schema}",
                )
            if not reads and self.one(
                "select exists (select 1 from pg_namespace n, aclexplode(n.nspacl) a"
                " where n.nspname = %s and a.grantee = %s::regrole)",
                (schema, role.name),
            ):
                self.run(
                    sql.SQL("revoke all on schema {} from {}").format(schema_ident, ident),
                    f"{role.name}: no usage on {schema}",
                )

    def refresh_function(self, dbt: Role, quality: Role) -> None:
        source = self.one(
            "select prosrc from pg_proc where oid = to_regprocedure(%s)", (f"{REFRESH_FUNCTION}()",)
        )
        if source != _REFRESH_BODY:
            self.run(
                f"create or replace function {REFRESH_FUNCTION}() returns boolean language plpgsql"
                " security definer set search_path = pg_catalog, pg_temp as $body$"
                + _REFRESH_BODY
                + "$body$",
                f"created {REFRESH_FUNCTION}()",
            )
        if (
            self.one(
                "select pg_get_userbyid(proowner) from pg_proc where oid = to_regprocedure(%s)",
                (f"{REFRESH_FUNCTION}()",),
            )
            != dbt.name
        ):
            self.run(
                sql.SQL(f"alter function {REFRESH_FUNCTION}() owner to {{}}").format(
                    sql.Identifier(dbt.name)
                ),
                f"{REFRESH_FUNCTION}(): owner {dbt.name}",
            )
        if self.one("select has_function_privilege('public', %s, 'EXECUTE')", (f"{REFRESH_FUNCTION}()",)):
            self.run(
                f"revoke execute on function {REFRESH_FUNCTION}() from public",
                f"{REFRESH_FUNCTION}(): not for public",
            )
        if not self.one(
            "select has_function_privilege(%s, %s, 'EXECUTE')", (quality.name, f"{REFRESH_FUNCTION}()")
        ):
            self.run(
                sql.SQL(f"grant execute on function {REFRESH_FUNCTION}() to {{}}").format(
                    sql.Identifier(quality.name)
                ),
                f"{quality.name}: may refresh the certification status",
            )


def ensure_roles(
    admin: str | Dsn,
    settings: Settings | None = None,
    *,
    ddl: Iterable[str] = (),
    roles: Iterable[Role] | None = None,
) -> list[str]:
    """Give the database of ``admin`` the roles of :data:`ROLES`; return what was changed.

    Idempotent: a second call changes nothing and returns ``[]``. On an existing warehouse it moves
    the ownership of every object of a layer to the layer's role, grants what each role reads
    (default privileges included, so tables created later are readable) and revokes what a role holds
    beyond its declaration. ``ddl`` (e.g. the certification record's table) runs as the administrator
    once the schemas exist, before the ownership is put right.

    ``admin``: a superuser (the embedded server's) or an account that may create roles and is a
    member of them (an external server's); it keeps the right to run this again and owns no layer.
    """
    settings = settings or get_settings()
    chosen = list(roles if roles is not None else ROLES.values())
    by_key = {r.key: r for r in chosen}
    passwords = {r.key: role_password(r.key, settings) for r in chosen}
    address = Dsn.parse(admin)
    for attempt in range(3):
        try:
            with psycopg.connect(address.secret(), autocommit=True) as conn:
                conn.execute("select pg_advisory_lock(%s)", (_SETUP_LOCK,))  # one setup at a time
                setup = _Setup(conn, settings, chosen)
                for role in chosen:
                    setup.role(role, passwords[role.key])
                for role in chosen:
                    for schema in role.owns:
                        setup.owned_schema(schema, role)
                for statement in ddl:
                    conn.execute(statement)  # type: ignore[arg-type]
                owners = {s: r.name for r in ROLES.values() for s in r.owns}
                owners |= {s: r.name for r in chosen for s in r.owns}
                existing = {name for (name,) in conn.execute("select rolname from pg_roles")}
                for role in chosen:
                    for schema in role.owns:
                        setup.owned_schema(schema, role)
                    for schema in role.reads:
                        owner = owners.get(schema, setup.admin)
                        setup.reader(role, schema, owner if owner in existing else setup.admin)
                    setup.no_more_than_declared(role)
                if "dbt" in by_key and "quality" in by_key:
                    setup.refresh_function(by_key["dbt"], by_key["quality"])
                return setup.changes
        except psycopg.errors.InternalError_ as exc:  # "tuple concurrently updated": another session
            if attempt == 2 or "concurrently" not in str(exc):
                raise
    raise AssertionError("unreachable")


def renamed(key: RoleKey, name: str) -> Role:
    """A role of :data:`ROLES` under another name (tests that must not share the server's roles)."""
    return replace(ROLES[key], name=name)
