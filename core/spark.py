"""The local Spark + Iceberg cluster the project starts itself (issue 16): install, start, stop, status.

Everything comes from wheels installed into the project's virtualenv (``requirements-spark.lock``):
Spark 3.5.9 from ``pyspark`` (its ``bin/spark-class`` and ``bin/spark-submit``; the wheel has no
``sbin/`` start scripts), Apache Iceberg 1.9.2's Spark 3.5 runtime jar from
``snowpark-connect-deps-iceberg==1.0.1``, dbt-spark and PyHive for the Thrift server. Java comes from
the machine (``JAVA_HOME`` or ``java`` on ``PATH``), else Debian's ``openjdk-17-jre-headless`` is
installed with apt-get (as root, the way :mod:`core.debian` installs Chromium).

The cluster, all on ``CUR_SPARK_HOST`` (127.0.0.1)::

    master          spark://host:CUR_SPARK_MASTER_PORT, UI and JSON on CUR_SPARK_MASTER_UI_PORT
    workers         CUR_SPARK_WORKERS (2), UIs from CUR_SPARK_WORKER_UI_PORT on
    Thrift server   HiveServer2 protocol on CUR_SPARK_THRIFT_PORT, its application UI and REST API on
                    CUR_SPARK_THRIFT_UI_PORT; ``spark_catalog`` is Iceberg's SparkSessionCatalog over
                    an embedded Derby metastore (one JVM only: for tests and the local demo)

Its data is under ``CUR_SPARK_DIR`` (default ``$CUR_STATE_DIR/spark``): ``warehouse/`` (the Iceberg
tables), ``metastore_db/`` (Derby), ``conf/spark-defaults.conf`` (written at each start: the catalog
settings any application started with ``SPARK_CONF_DIR`` there shares), ``logs/``, ``pids/``,
``work/`` (the workers' folders) and ``tmp/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.debian import MissingTool, ensure_tool
from core.paths import PROJECT_ROOT
from core.settings import Settings, get_settings

SPARK_LOCK = PROJECT_ROOT / "requirements-spark.lock"
JAVA = Path("/usr/bin/java")
JAVA_PACKAGE = "openjdk-17-jre-headless"
THRIFT_APP_NAME = "cur-thrift"
# Modules the cluster, the tests and dbt's spark target import: all from requirements-spark.lock.
_SPARK_MODULES = ("pyspark", "snowpark_connect_deps_iceberg", "pyhive", "dbt.adapters.spark")
_STAMP = Path(sys.prefix) / ".spark-installed"
_MASTER_CLASS = "org.apache.spark.deploy.master.Master"
_WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
_THRIFT_CLASS = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


class SparkError(RuntimeError):
    """A part of the cluster could not be installed, started or reached; the message says which."""


# --- installation -----------------------------------------------------------------------------------


def _lock_digest() -> str:
    return hashlib.sha256(SPARK_LOCK.read_bytes()).hexdigest()


def is_installed() -> bool:
    """The Spark set of ``requirements-spark.lock`` is installed in this environment (and current)."""
    importlib.invalidate_caches()
    if not all(importlib.util.find_spec(name) is not None for name in _SPARK_MODULES):
        return False
    return _STAMP.is_file() and _STAMP.read_text().strip() == _lock_digest()


def java_executable() -> Path | None:
    """``$JAVA_HOME/bin/java``, else ``java`` on ``PATH``, else None."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return Path(home) / "bin" / "java"
    found = shutil.which("java")
    return Path(found) if found else None


def ensure_java() -> Path:
    """The Java runtime Spark runs on; Debian's OpenJDK 17 installed with apt-get when missing."""
    found = java_executable()
    if found is not None:
        return found
    try:
        return ensure_tool(JAVA, JAVA_PACKAGE)
    except MissingTool as exc:
        raise SparkError(str(exc)) from exc


def _uv() -> list[str]:
    beside = Path(sys.executable).parent / "uv"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "uv"]


def install(*, force: bool = False, say: Callable[[str], object] = lambda _: None) -> bool:
    """Java (apt-get when missing) and ``requirements-spark.lock`` into this environment with uv.

    Returns whether packages were installed (False: they were current already).
    """
    java = ensure_java()
    say(f"java: {java}")
    if not force and is_installed():
        say("the Spark packages are installed (requirements-spark.lock)")
        return False
    command = [*_uv(), "pip", "install", "--quiet", "--python", sys.executable, "-r", str(SPARK_LOCK)]
    say("installing requirements-spark.lock with uv")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SparkError(f"uv pip install -r {SPARK_LOCK.name} failed:\n{done.stderr.strip()[-2000:]}")
    _STAMP.write_text(_lock_digest() + "\n")
    importlib.invalidate_caches()
    missing = [name for name in _SPARK_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise SparkError(f"installed {SPARK_LOCK.name} but cannot import {', '.join(missing)}")
    return True


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SparkError(f"{module} is not installed: run `cur spark install`")
    return Path(spec.origin).parent


def spark_home() -> Path:
    """The Spark distribution inside the ``pyspark`` wheel (``bin/``, ``jars/``)."""
    return _package_dir("pyspark")


def scala_binary_version(home: Path | None = None) -> str:
    """``2.12`` or ``2.13``: the Scala of Spark's own jars (the Iceberg jar must match it)."""
    jars = sorted((home or spark_home()).glob("jars/scala-library-*.jar"))
    if not jars:
        raise SparkError(f"no scala-library jar in {home or spark_home()}/jars")
    version = jars[0].name.removeprefix("scala-library-").removesuffix(".jar")
    return ".".join(version.split(".")[:2])


def iceberg_runtime_jar() -> Path:
    """Iceberg's Spark 3.5 runtime jar for Spark's Scala version, inside the installed wheel."""
    scala = scala_binary_version()
    found = sorted(
        _package_dir("snowpark_connect_deps_iceberg").glob(f"jars/iceberg-spark-runtime-3.5_{scala}-*.jar")
    )
    if not found:
        raise SparkError(f"no iceberg-spark-runtime-3.5_{scala} jar in snowpark_connect_deps_iceberg")
    return found[-1]


# --- layout and configuration -----------------------------------------------------------------------


@dataclass(frozen=True)
class SparkLayout:
    """The cluster's folders under ``CUR_SPARK_DIR``."""

    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def metastore(self) -> Path:
        return self.root / "metastore_db"

    @property
    def conf(self) -> Path:
        return self.root / "conf"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def pids(self) -> Path:
        return self.root / "pids"

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def create(self) -> None:
        for folder in (self.root, self.warehouse, self.conf, self.logs, self.pids, self.work, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)


def catalog_conf(settings: Settings, jar: Path | None = None) -> dict[str, str]:
    """Spark settings every application of the cluster shares: Iceberg as ``spark_catalog`` (type hive,
    the Derby metastore and warehouse under ``CUR_SPARK_DIR``), sizes, and the loopback address."""
    layout = SparkLayout(_spark_dir(settings))
    jar = jar or iceberg_runtime_jar()
    warehouse = layout.warehouse.as_uri()
    return {
        "spark.master": f"spark://{settings.spark_host}:{settings.spark_master_port}",
        "spark.driver.host": settings.spark_host,
        "spark.driver.bindAddress": settings.spark_host,
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.driver.extraClassPath": str(jar),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={layout.root}",
        "spark.executor.extraClassPath": str(jar),
        "spark.executor.cores": str(settings.spark_executor_cores),
        "spark.executor.memory": settings.spark_executor_memory,
        "spark.sql.warehouse.dir": warehouse,
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.catalog.spark_catalog": "org.apache.iceberg.spark.SparkSessionCatalog",
        "spark.sql.catalog.spark_catalog.type": "hive",
        "spark.sql.catalog.spark_catalog.warehouse": warehouse,
        "spark.sql.catalogImplementation": "hive",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={layout.metastore};create=true"
        ),
        "spark.hadoop.hive.metastore.warehouse.dir": warehouse,
        # the embedded Derby metastore has no lock tables
        "spark.hadoop.iceberg.engine.hive.lock-enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # timestamps are instants; the sources' local time is applied by the models (CUR_SOURCE_TIMEZONE)
        "spark.sql.session.timeZone": "UTC",
        # a port in use is an error here, not a silent move to the next one (the REST API is looked up)
        "spark.port.maxRetries": "0",
    }


def _spark_dir(settings: Settings) -> Path:
    assert settings.spark_dir is not None  # derived from the state folder when unset
    return settings.spark_dir


# --- processes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One process of the cluster: its name (pid and log file), Java main class and ports."""

    name: str
    main_class: str
    ports: tuple[int, ...]


def _alive(pid: int, main_class: str) -> bool:
    """``pid`` runs ``main_class`` (a recycled pid is not ours). While a process is between fork and
    exec, or between the launch scripts' execs, its command line reads empty for a moment: read again."""
    for _ in range(20):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        if cmdline:
            return main_class.encode() in cmdline
        if _zombie(pid):
            return False
        time.sleep(0.1)
    return False


def _port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def _get_json(url: str, timeout: float = 3.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_group(pid: int, timeout: float) -> None:
    """TERM the process group ``pid`` leads (a worker's group holds its executors), KILL what is left
    after ``timeout``; return when no process of the group is left."""
    for sig, grace in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            if not _group_alive(pid):
                return
            time.sleep(0.2)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


@dataclass
class ClusterStatus:
    """What runs: each part's pid (None when not running) and what the master and Thrift server say."""

    pids: dict[str, int | None] = field(default_factory=dict)
    alive_workers: int = 0
    thrift_answers: bool = False
    thrift_executors: int = 0

    @property
    def running(self) -> bool:
        return bool(self.pids) and all(pid is not None for pid in self.pids.values())


class SparkCluster:
    """Master, workers and the Thrift server of :mod:`core.settings`' ``spark_*`` settings."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.layout = SparkLayout(_spark_dir(self.settings))

    # ---- addresses
    @property
    def host(self) -> str:
        return self.settings.spark_host

    @property
    def master_url(self) -> str:
        return f"spark://{self.host}:{self.settings.spark_master_port}"

    @property
    def master_ui(self) -> str:
        return f"http://{self.host}:{self.settings.spark_master_ui_port}"

    @property
    def thrift_ui(self) -> str:
        return f"http://{self.host}:{self.settings.spark_thrift_ui_port}"

    def worker_ui(self, index: int) -> str:
        return f"http://{self.host}:{self.settings.spark_worker_ui_port + index}"

    def parts(self) -> list[Part]:
        s = self.settings
        workers = [
            Part(f"worker-{i + 1}", _WORKER_CLASS, (s.spark_worker_ui_port + i,))
            for i in range(s.spark_workers)
        ]
        return [
            Part("master", _MASTER_CLASS, (s.spark_master_port, s.spark_master_ui_port)),
            *workers,
            Part("thrift", _THRIFT_CLASS, (s.spark_thrift_port, s.spark_thrift_ui_port)),
        ]

    # ---- pids
    def _pid_file(self, part: Part) -> Path:
        return self.layout.pids / f"{part.name}.pid"

    def pid(self, part: Part) -> int | None:
        """The part's pid when its process runs (a stale pid file is ignored)."""
        try:
            pid = int(self._pid_file(part).read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _alive(pid, part.main_class) else None

    # ---- what the parts say
    def master_state(self) -> Mapping[str, Any]:
        """The master's JSON (``/json``): workers, applications."""
        return _get_json(f"{self.master_ui}/json")

    def alive_workers(self) -> list[Mapping[str, Any]]:
        try:
            workers = self.master_state().get("workers", [])
        except (OSError, ValueError):
            return []
        return [w for w in workers if w.get("state") == "ALIVE"]

    def thrift_application(self) -> str | None:
        """The Thrift server's application id (its REST API), or None."""
        try:
            apps = _get_json(f"{self.thrift_ui}/api/v1/applications")
        except (OSError, ValueError):
            return None
        return apps[0]["id"] if apps else None

    def thrift_executors(self) -> list[Mapping[str, Any]]:
        """The Thrift application's active executors (the driver left out), from its REST API."""
        app = self.thrift_application()
        if app is None:
            return []
        try:
            executors = _get_json(f"{self.thrift_ui}/api/v1/applications/{app}/executors")
        except (OSError, ValueError):
            return []
        return [e for e in executors if e.get("id") != "driver" and e.get("isActive", True)]

    def connect(self) -> Any:
        """A PyHive connection to the Thrift server (close it when done)."""
        from pyhive import hive

        return hive.connect(host=self.host, port=self.settings.spark_thrift_port, username="cur")

    def thrift_answers(self) -> bool:
        """The Thrift server runs ``select 1``."""
        if not _port_open(self.host, self.settings.spark_thrift_port):
            return False
        try:
            conn = self.connect()
            try:
                cursor = conn.cursor()
                cursor.execute("select 1")
                return cursor.fetchall() == [(1,)]
            finally:
                conn.close()
        except Exception:  # any Thrift/transport error means "not (yet) answering"
            return False

    def status(self) -> ClusterStatus:
        pids = {part.name: self.pid(part) for part in self.parts()}
        result = ClusterStatus(pids=pids)
        if pids["master"] is not None:
            result.alive_workers = len(self.alive_workers())
        if pids["thrift"] is not None:
            result.thrift_answers = self.thrift_answers()
            result.thrift_executors = len(self.thrift_executors())
        return result

    # ---- lifecycle
    def _env(self, java: Path) -> dict[str, str]:
        s = self.settings
        return {
            **os.environ,
            "SPARK_HOME": str(spark_home()),
            "SPARK_CONF_DIR": str(self.layout.conf),
            "SPARK_LOG_DIR": str(self.layout.logs),
            "SPARK_PID_DIR": str(self.layout.pids),
            "SPARK_WORKER_DIR": str(self.layout.work),
            "SPARK_LOCAL_DIRS": str(self.layout.tmp),
            "SPARK_LOCAL_IP": s.spark_host,
            "SPARK_LOCAL_HOSTNAME": s.spark_host,
            "SPARK_PUBLIC_DNS": s.spark_host,
            "SPARK_DAEMON_MEMORY": s.spark_daemon_memory,
            "JAVA_HOME": str(java.resolve().parent.parent),
            "PYSPARK_PYTHON": sys.executable,
        }

    def _command(self, part: Part, jar: Path) -> list[str]:
        s, home = self.settings, spark_home()
        if part.main_class == _MASTER_CLASS:
            return [
                str(home / "bin" / "spark-class"), _MASTER_CLASS, "--host", s.spark_host,
                "--port", str(s.spark_master_port), "--webui-port", str(s.spark_master_ui_port),
            ]  # fmt: skip
        if part.main_class == _WORKER_CLASS:
            work = self.layout.work / part.name
            work.mkdir(parents=True, exist_ok=True)
            return [
                str(home / "bin" / "spark-class"), _WORKER_CLASS, "--host", s.spark_host,
                "--cores", str(s.spark_worker_cores), "--memory", s.spark_worker_memory,
                "--webui-port", str(part.ports[0]), "--work-dir", str(work), self.master_url,
            ]  # fmt: skip
        return [
            str(home / "bin" / "spark-submit"), "--master", self.master_url, "--name", THRIFT_APP_NAME,
            "--class", _THRIFT_CLASS, "--driver-class-path", str(jar),
            "--conf", f"spark.cores.max={s.spark_thrift_cores}",
            "--conf", f"spark.ui.port={s.spark_thrift_ui_port}",
            "--hiveconf", f"hive.server2.thrift.port={s.spark_thrift_port}",
            "--hiveconf", f"hive.server2.thrift.bind.host={s.spark_host}",
            "spark-internal",
        ]  # fmt: skip

    def _write_defaults(self, jar: Path) -> None:
        lines = [f"{key} {value}" for key, value in catalog_conf(self.settings, jar).items()]
        (self.layout.conf / "spark-defaults.conf").write_text("\n".join(lines) + "\n")

    def _launch(self, part: Part, java: Path, jar: Path) -> int:
        for port in part.ports:
            if _port_open(self.host, port):
                raise SparkError(
                    f"{part.name}: port {port} on {self.host} is in use by another program "
                    "(set CUR_SPARK_*_PORT to free ports)"
                )
        log = self.layout.logs / f"{part.name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                self._command(part, jar),
                cwd=self.layout.root,
                env=self._env(java),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._pid_file(part).write_text(f"{process.pid}\n")
        return process.pid

    def _wait(self, what: str, ready: Callable[[], bool], part: Part, deadline: float) -> None:
        while time.monotonic() < deadline:
            if ready():
                return
            if self.pid(part) is None:
                raise SparkError(f"{part.name} exited while starting; see {self._log_tail(part)}")
            time.sleep(1.0)
        raise SparkError(f"timed out waiting for {what}; see {self._log_tail(part)}")

    def _log_tail(self, part: Part) -> str:
        log = self.layout.logs / f"{part.name}.log"
        lines = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
        return f"{log}:\n" + "\n".join(lines)

    def start(self, say: Callable[[str], object] = lambda _: None) -> ClusterStatus:
        """Start whatever part does not run, each waited for until it really works; idempotent."""
        java = ensure_java()
        if not is_installed() and importlib.util.find_spec("pyspark") is None:
            raise SparkError("the Spark packages are not installed: run `cur spark install`")
        jar = iceberg_runtime_jar()
        self.layout.create()
        self._write_defaults(jar)
        deadline = time.monotonic() + self.settings.spark_start_timeout
        master, *workers, thrift = self.parts()
        if self.pid(master) is None:
            self._launch(master, java, jar)
            say(f"master starting: {self.master_url}")
        for worker in workers:  # they retry until the master answers: started together with it
            if self.pid(worker) is None:
                self._launch(worker, java, jar)
                say(f"{worker.name} starting")
        wanted = len(workers)
        # The Thrift server only after every worker is ALIVE: the master places an application's
        # executors on the workers registered when it arrives (one per worker, spread out).
        self._wait(f"{wanted} ALIVE workers", lambda: len(self.alive_workers()) >= wanted, master, deadline)
        if self.pid(thrift) is None:
            self._launch(thrift, java, jar)
            say(f"Thrift server starting on {self.host}:{self.settings.spark_thrift_port}")
        self._wait("the Thrift server to run `select 1`", self.thrift_answers, thrift, deadline)
        executors = self.settings.spark_thrift_cores // self.settings.spark_executor_cores
        spread = min(wanted, executors)
        self._wait(
            f"{executors} executors of the Thrift server on {spread} workers",
            lambda: (
                len(self.thrift_executors()) >= executors
                and sum(1 for found in self.executors_by_worker().values() if found) >= spread
            ),
            thrift,
            deadline,
        )
        return self.status()

    def _master_json_answers(self) -> bool:
        try:
            return "workers" in self.master_state()
        except (OSError, ValueError):
            return False

    def stop(self, timeout: float = 30.0) -> list[str]:
        """Stop the Thrift server, the workers, then the master; returns the names of those stopped."""
        stopped = []
        for part in reversed(self.parts()):
            pid = self.pid(part)
            if pid is not None:
                _kill_group(pid, timeout)
                stopped.append(part.name)
            self._pid_file(part).unlink(missing_ok=True)
        return stopped

    def executors_by_worker(self) -> dict[str, list[str]]:
        """The Thrift server's executor ids per ALIVE worker (its id), from each worker's JSON."""
        app = self.thrift_application()
        result: dict[str, list[str]] = {}
        try:
            for worker in self.alive_workers():
                detail = _get_json(f"{worker['webuiaddress']}/json")
                executors = detail.get("executors", [])
                result[str(worker["id"])] = [str(e["id"]) for e in executors if e.get("appid") == app]
        except (OSError, ValueError):
            return {}
        return result

    def tasks_by_worker(self) -> dict[str, int]:
        """Tasks the Thrift server's executors ran, per worker: the workers' JSON names their executors
        (:meth:`executors_by_worker`), the Thrift application's REST API counts their tasks."""
        tasks = {str(e["id"]): int(e.get("totalTasks", 0)) for e in self.thrift_executors()}
        return {
            worker: sum(tasks.get(executor, 0) for executor in executors)
            for worker, executors in self.executors_by_worker().items()
        }

    @contextlib.contextmanager
    def cursor(self) -> Iterator[Any]:
        """A PyHive cursor on the Thrift server, its connection closed afterwards."""
        conn = self.connect()
        try:
            yield conn.cursor()
        finally:
            conn.close()
