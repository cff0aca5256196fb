"""Superset's own environment and web server, driven from the pipeline's Python.

Superset 6.1 pins SQLAlchemy < 2 and pandas < 2.2, so it cannot share ``.venv`` with the pipeline: it
lives in ``.venv-superset`` at the repository root, installed from ``superset_assets/requirements.lock``.
This module never imports Superset; it runs Superset's commands in that virtualenv
(``cur superset install|init|start|stop|status``)::

    cur superset install   # create .venv-superset (once; again when the lock changes)
    cur superset init      # db upgrade, admin user, roles and permissions
    cur superset start     # web server on 127.0.0.1:$SUPERSET_PORT, waits for /health;
                           # with CUR_SUPERSET_REPORTS (default) also the Celery worker and beat
    cur superset stop      # all three
    cur superset status

State (never in the repository) is kept in ``$CUR_STATE_DIR/superset`` (``CUR_STATE_DIR`` defaults to
``<repo>/.state``): ``secret_key`` and ``admin_password`` (both mode 0600, generated once),
``superset.db`` (the SQLite metadata unless ``SUPERSET_METADATA_URI`` says otherwise), the pid files
and the logs (``webserver.log``, ``celery_worker.log``, ``celery_beat.log``). Settings come from
:mod:`core.settings` (the environment, then the project's ``.env``):

=============================  ===============================================================
``SUPERSET_PORT``              web server port on ``SUPERSET_HOST`` (default 8088, 127.0.0.1)
``SUPERSET_STATE_DIR``         state folder (default ``$CUR_STATE_DIR/superset``)
``SUPERSET_ADMIN_USER``        admin user name (default ``admin``)
``SUPERSET_ADMIN_PASSWORD``    admin password; unset: generated once into the state folder
``SUPERSET_METADATA_URI``      Superset's metadata database (default SQLite in the state folder)
``SUPERSET_WORKERS``           gunicorn worker processes (default 2)
``SUPERSET_PYTHON``            interpreter for the virtualenv (default ``python3.11``)
``SUPERSET_VENV``              virtualenv folder (default ``<repo>/.venv-superset``)
``CUR_SUPERSET_REPORTS``       alerts & reports: Celery worker and beat with the web server (1)
``CUR_REDIS_URL``              Celery's broker and result backend (``redis://127.0.0.1:6379/0``)
``CUR_SMTP_*``                 where report e-mails go (default a local sink, 127.0.0.1:2525)
=============================  ===============================================================
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from core.secrets import SecretFileError, kept_secret, new_token
from core.settings import get_settings

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
REQUIREMENTS_LOCK = PACKAGE_DIR / "requirements.lock"
CONFIG_FILE = PACKAGE_DIR / "superset_config.py"
UV_VERSION = "0.13.9"
STAMP_NAME = ".installed"


class LauncherError(RuntimeError):
    """A step failed; the message says which and where its log is."""


# --- settings (core.settings: the environment and the project's .env) ---------------------------


def state_dir() -> Path:
    """``$SUPERSET_STATE_DIR`` (tests use their own), else ``$CUR_STATE_DIR/superset``."""
    folder = get_settings().superset_state_dir
    assert folder is not None  # derived from the state folder when unset
    return folder


def venv_dir() -> Path:
    return get_settings().superset_venv


def venv_bin(name: str) -> Path:
    return venv_dir() / "bin" / name


def host() -> str:
    return get_settings().superset_host


def port() -> int:
    return get_settings().superset_port


def base_url() -> str:
    return f"http://{host()}:{port()}"


def admin_user() -> str:
    return get_settings().superset_admin_user


def pid_file() -> Path:
    return state_dir() / "webserver.pid"


def log_file(name: str) -> Path:
    return state_dir() / f"{name}.log"


# --- secrets kept in the state folder (core.secrets) ----------------------------------------------


def _kept_secret(path: Path, make: Callable[[], str]) -> str:
    try:
        return kept_secret(path, make)
    except SecretFileError as exc:
        raise LauncherError(str(exc)) from exc


def secret_key() -> str:
    """``SUPERSET_SECRET_KEY`` from the settings, else the one kept in the state folder."""
    given = get_settings().superset_secret_key
    return (
        given.get_secret_value() if given else _kept_secret(state_dir() / "secret_key", lambda: new_token(48))
    )


def admin_password() -> str:
    """``SUPERSET_ADMIN_PASSWORD`` from the settings, else the one kept in the state folder."""
    given = get_settings().superset_admin_password
    return (
        given.get_secret_value()
        if given
        else _kept_secret(state_dir() / "admin_password", lambda: new_token(18))
    )


def superset_env() -> dict[str, str]:
    """The environment of every Superset process: config file, secret key, home in the state folder."""
    state = state_dir()
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o700)  # the metadata database holds password hashes and encrypted connection passwords
    env = dict(os.environ)
    env.update(
        SUPERSET_CONFIG_PATH=str(CONFIG_FILE),
        SUPERSET_SECRET_KEY=secret_key(),
        SUPERSET_HOME=str(state),
        SUPERSET_STATE_DIR=str(state),
        CUR_STATE_DIR=str(get_settings().state_dir),
        PYTHONUNBUFFERED="1",
    )
    settings = get_settings()
    env.update(
        # superset_config.py reads these; the defaults live in core.settings only.
        SUPERSET_HOST=settings.superset_host,
        SUPERSET_PORT=str(settings.superset_port),
        SUPERSET_ADMIN_USER=settings.superset_admin_user,
        CUR_SUPERSET_REPORTS="1" if settings.superset_reports else "0",
        CUR_REDIS_URL=settings.redis_url,
        CUR_SMTP_HOST=settings.smtp_host,
        CUR_SMTP_PORT=str(settings.smtp_port),
        CUR_SMTP_MAIL_FROM=settings.smtp_mail_from,
        CUR_SMTP_STARTTLS="1" if settings.smtp_starttls else "0",
        CUR_SMTP_SSL="1" if settings.smtp_ssl else "0",
        CUR_SMTP_USER=settings.smtp_user or "",
        CUR_SMTP_PASSWORD=settings.smtp_password.get_secret_value() if settings.smtp_password else "",
        CUR_BRIEFING_DIR=str(settings.briefing_dir),
    )
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return env


# --- install -------------------------------------------------------------------------------------


def _lock_digest() -> str:
    return hashlib.sha256(REQUIREMENTS_LOCK.read_bytes()).hexdigest()


def is_installed() -> bool:
    stamp = venv_dir() / STAMP_NAME
    return stamp.is_file() and stamp.read_text().strip() == _lock_digest() and venv_bin("superset").exists()


def _run(cmd: list[str], log: Path, env: dict[str, str] | None = None, what: str | None = None) -> str:
    """Run ``cmd``, appending its output to ``log``; raise with the log's tail when it fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    result = subprocess.run(
        cmd, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False
    )
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(cmd)}\n{result.stdout}\n")
    label = what or " ".join(Path(cmd[0]).name.split() + cmd[1:3])
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-25:])
        raise LauncherError(f"{label} failed (exit {result.returncode}); full log: {log}\n{tail}")
    print(f"  {label}: ok ({time.monotonic() - started:.1f} s)")
    return result.stdout


def install(force: bool = False) -> None:
    """Create ``.venv-superset`` with the pinned packages; nothing to do when the stamp matches the lock."""
    if is_installed() and not force:
        print(f"Superset environment up to date: {venv_dir()}")
        return
    venv = venv_dir()
    log = log_file("install")
    python = get_settings().superset_python
    if shutil.which(python) is None and not Path(python).exists():
        raise LauncherError(f"{python} not found; Superset 6.1 needs Python 3.11 (set SUPERSET_PYTHON)")
    print(f"Installing Superset into {venv} (log: {log})")
    started = time.monotonic()
    if not venv_bin("python").exists():
        _run([python, "-m", "venv", str(venv)], log, what="venv")
    # Keep git and ruff (which honours .gitignore) out of the virtualenv.
    (venv / ".gitignore").write_text("*\n")
    vpython = str(venv_bin("python"))
    if not venv_bin("uv").exists():
        _run(
            [vpython, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"uv=={UV_VERSION}"],
            log,
            what="pip install uv",
        )
    _run(
        [str(venv_bin("uv")), "pip", "install", "--python", vpython, "-r", str(REQUIREMENTS_LOCK)],
        log,
        what="uv pip install -r requirements.lock",
    )
    (venv / STAMP_NAME).write_text(_lock_digest() + "\n")
    print(f"Installed in {time.monotonic() - started:.1f} s")


# --- init ----------------------------------------------------------------------------------------


def _superset(*args: str, what: str | None = None) -> str:
    return _run([str(venv_bin("superset")), *args], log_file("init"), env=superset_env(), what=what)


def _init_stamp() -> Path:
    return state_dir() / "initialized"


def init() -> None:
    """Migrate the metadata database, make sure the admin user exists, sync roles and permissions."""
    install()
    print(f"Initialising Superset metadata in {state_dir()} (log: {log_file('init')})")
    _superset("db", "upgrade", what="superset db upgrade")
    password = admin_password()
    user = admin_user()
    output = _superset(
        "fab",
        "create-admin",
        "--username",
        user,
        "--firstname",
        "Admin",
        "--lastname",
        "ЦУР",
        "--email",
        get_settings().superset_admin_email or f"{user}@localhost",
        "--password",
        password,
        what="superset fab create-admin",
    )
    if "already exists" in output and get_settings().superset_admin_password is not None:
        # An explicitly given password wins over the one stored earlier.
        _superset(
            "fab",
            "reset-password",
            "--username",
            user,
            "--password",
            password,
            what="superset fab reset-password",
        )
    _superset("init", what="superset init")
    _init_stamp().write_text(_lock_digest() + "\n")
    where = (
        "$SUPERSET_ADMIN_PASSWORD"
        if get_settings().superset_admin_password is not None
        else state_dir() / "admin_password"
    )
    print(f"Admin user: {user}; password in {where}")


def is_initialised() -> bool:
    stamp = _init_stamp()
    return stamp.is_file() and stamp.read_text().strip() == _lock_digest()


# --- web server ----------------------------------------------------------------------------------


def _read_pid(path: Path | None = None, marker: bytes = b"gunicorn") -> int | None:
    """The pid in ``path`` (default the web server's) while that process runs and is ``marker``'s."""
    try:
        pid = int((path or pid_file()).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and marker not in cmdline.read_bytes():
        return None  # a stale pid file whose number now belongs to another program
    return pid


def health(timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(base_url() + "/health", timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"OK"
    except (OSError, urllib.error.URLError):
        return False


def start(wait: float | None = None) -> None:
    """Start gunicorn in the background (own process group, pid file) and wait until /health says OK."""
    if _read_pid() is not None and health():
        print(f"Superset already running at {base_url()} (pid {_read_pid()})")
        if get_settings().superset_reports:
            start_celery()
        return
    if _read_pid() is None and health():
        raise LauncherError(f"something else already answers on {base_url()}; set SUPERSET_PORT")
    if not is_installed() or not is_initialised():
        init()
    wait = wait if wait is not None else get_settings().superset_start_timeout
    log = log_file("webserver")
    cmd = [
        str(venv_bin("gunicorn")),
        "--bind", f"{host()}:{port()}",
        "--workers", str(get_settings().superset_workers),
        "--worker-class", "gthread",
        "--threads", "4",
        "--timeout", str(get_settings().superset_webserver_timeout),
        "--limit-request-line", "0",
        "--limit-request-field_size", "0",
        "superset.app:create_app()",
    ]  # fmt: skip
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"\n$ {' '.join(cmd)}\n")
        handle.flush()
        process = subprocess.Popen(
            cmd,
            env=superset_env(),
            cwd=state_dir(),
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    pid_file().write_text(f"{process.pid}\n")
    started = time.monotonic()
    while time.monotonic() - started < wait:
        if process.poll() is not None:
            pid_file().unlink(missing_ok=True)
            tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
            raise LauncherError(f"gunicorn exited with {process.returncode}; log: {log}\n{tail}")
        if health():
            print(f"Superset up at {base_url()} (pid {process.pid}, {time.monotonic() - started:.1f} s)")
            if get_settings().superset_reports:
                start_celery()
            return
        time.sleep(0.5)
    stop()
    raise LauncherError(f"Superset did not answer {base_url()}/health within {wait:.0f} s; log: {log}")


def stop(timeout: float = 30.0) -> None:
    """Stop the web server, the Celery worker and beat this launcher started (process groups, pid files)."""
    for name in CELERY_PROCESSES:
        pid = _read_pid(celery_pid_file(name), b"celery")
        if pid is not None:
            _kill_group(pid, timeout)
            print(f"Celery {name} stopped (pid {pid})")
        celery_pid_file(name).unlink(missing_ok=True)
    pid = _read_pid()
    if pid is None:
        pid_file().unlink(missing_ok=True)
        print("Superset is not running")
        return
    _kill_group(pid, timeout)
    pid_file().unlink(missing_ok=True)
    print(f"Superset stopped (pid {pid})")


def _kill_group(pid: int, timeout: float) -> None:
    for sig, grace in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            _reap(pid)
            time.sleep(0.2)
        else:
            continue
        break


def _reap(pid: int) -> None:
    """Collect the exit status when the server is this process's own child (start and stop in one run)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def status() -> int:
    pid = _read_pid()
    up = health()
    print(f"environment: {venv_dir()} ({'installed' if is_installed() else 'not installed or outdated'})")
    print(f"state:       {state_dir()} ({'initialised' if is_initialised() else 'not initialised'})")
    print(f"web server:  {base_url()} pid={pid or '-'} health={'OK' if up else 'down'}")
    celery_up = True
    if get_settings().superset_reports:
        for name in CELERY_PROCESSES:
            cpid = _read_pid(celery_pid_file(name), b"celery")
            celery_up = celery_up and cpid is not None
            print(f"celery {name}: pid={cpid or '-'} log={log_file('celery_' + name)}")
    return 0 if pid is not None and up and celery_up else 3


# --- alerts & reports: Celery worker and beat -------------------------------------------------------

CELERY_APP = "superset.tasks.celery_app:app"
CELERY_PROCESSES = ("worker", "beat")
# What each process logs once it works: the worker is connected and consuming, beat has started.
_CELERY_READY = {"worker": "ready.", "beat": "beat: Starting..."}


def celery_pid_file(name: str) -> Path:
    return state_dir() / f"celery_{name}.pid"


def _celery_command(name: str) -> list[str]:
    celery = str(venv_bin("celery"))
    if name == "worker":
        # One process: the machine is small; a report takes one Chromium at a time.
        return [celery, "--app", CELERY_APP, "worker", "--concurrency", "1", "--loglevel", "INFO",
                "--hostname", f"cur_superset_{port()}@%h"]  # fmt: skip
    return [celery, "--app", CELERY_APP, "beat", "--loglevel", "INFO",
            "--schedule", str(state_dir() / "celerybeat-schedule")]  # fmt: skip


def start_celery(wait: float = 120.0) -> None:
    """Start the Celery worker and beat (alerts & reports) unless running; wait until both work."""
    for name in CELERY_PROCESSES:
        if _read_pid(celery_pid_file(name), b"celery") is not None:
            continue
        log = log_file(f"celery_{name}")
        offset = log.stat().st_size if log.exists() else 0
        cmd = _celery_command(name)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"\n$ {' '.join(cmd)}\n")
            handle.flush()
            process = subprocess.Popen(
                cmd,
                env=superset_env(),
                cwd=state_dir(),
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        celery_pid_file(name).write_text(f"{process.pid}\n")
        started = time.monotonic()
        while True:
            with log.open("rb") as handle:
                handle.seek(offset)
                if _CELERY_READY[name].encode() in handle.read():
                    break
            if process.poll() is not None or time.monotonic() - started > wait:
                tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
                stop()
                raise LauncherError(
                    f"Celery {name} did not start (broker {get_settings().redis_url}); log: {log}\n{tail}"
                )
            time.sleep(0.5)
        print(f"Celery {name} up (pid {process.pid}, {time.monotonic() - started:.1f} s, log: {log})")
