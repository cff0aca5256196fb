"""One way to run dbt, and one reader of its manifest, for every room.

- :func:`dbt_env`: the variables ``dbt/profiles.yml`` and ``dbt_project.yml`` read (connection from a
  :class:`~core.dsn.Dsn`, the sources' time zone from the settings);
- :func:`run_dbt`: dbt of this environment in ``dbt/``, with those variables;
- :func:`project_var`: a var of ``dbt_project.yml`` (a KPI parameter other rooms check against);
- :class:`Manifest`: the parsed project (``dbt/target/manifest.json``), prepared by
  :func:`prepare_manifest` when it is missing or older than any project file (one staleness rule).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from core.dsn import Dsn
from core.paths import DBT_DIR
from core.settings import Settings, get_settings

# dbt of this environment (next to the interpreter), whether or not the venv is on PATH.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
MANIFEST_PATH = DBT_DIR / "target" / "manifest.json"
_SOURCES_OF_TRUTH = ("models", "seeds", "snapshots", "macros", "tests", "packages", "dbt_project.yml")


# Data tests that cost a full refresh: the equality tests of the incremental models against their
# full-refresh logic (assert_fct_appeals_matches_full_refresh, assert_int_appeals__unioned_…,
# assert_int_channels__places_…, assert_kpi_appeals_marts_…), and the tests of the views that hold the
# full-refresh logic (int_appeals__final and the views under it, each computed over every appeal;
# fct_appeals keeps its own tests daily). The daily build leaves them out; the
# full_refresh job, the benchmark's separate step and the test suite run them.
FULL_REFRESH_EQUALITY_TAG = "full_refresh_equality"


# The data tests of views (staging and intermediate views: about 180 of the 540 data tests). A view stores
# nothing: its rows change with new raw rows, which the GX raw suites validate batch by batch with the
# same per-row rules (not null, allowed values, uniqueness within a batch, events of an appeal of the
# batch), or with its code, which the full builds test (the test suite, the full_refresh job weekly).
# Each of these tests computes its view over every raw row (stg_pos__appeal_events: eight tests of
# 25–34 s each at a million appeals), and the tables built from the views are tested daily.
VIEW_TESTS = "config.materialized:view,resource_type:test"


def dbt_build_args(*, full_refresh: bool) -> list[str]:
    """``dbt build`` as the pipeline runs it: with ``--full-refresh`` every test; daily without the
    full-refresh equality tests (:data:`FULL_REFRESH_EQUALITY_TAG`), the tests of views
    (:data:`VIEW_TESTS`; the views themselves are re-created: a table rebuilt under one drops it) and
    the unit tests (they test the code, not the data: the test suite runs them)."""
    if full_refresh:
        return ["build", "--full-refresh"]
    # one --exclude value, space-separated: dagster-dbt reads one value per flag (dbt splits it)
    excluded = f"tag:{FULL_REFRESH_EQUALITY_TAG} {VIEW_TESTS}"
    return ["build", "--exclude", excluded, "--exclude-resource-type", "unit_test"]


# The session setting that carries the pseudonymisation key into dbt's sessions (read by the
# on-run-start hook, macros/pii/pseudonymise.sql), so that no SQL dbt logs or keeps holds the key.
PII_KEY_SETTING = "cur.pii_key"


def _with_session_setting(options: str, name: str, value: str) -> str:
    """libpq ``options`` (``PGOPTIONS``) with ``-c name=value``, replacing an earlier one."""
    kept = re.sub(rf"(^|\s)-c\s*{re.escape(name)}=(\\.|\S)*", "", options).strip()
    escaped = value.replace("\\", "\\\\").replace(" ", "\\ ")
    return f"{kept} -c {name}={escaped}".strip()


# dbt's target (profiles.yml output) for each warehouse engine (CUR_WAREHOUSE_ENGINE).
DBT_TARGETS = {"postgres": "dev", "spark": "spark"}


def dbt_env(dsn: str | Dsn | None = None, settings: Settings | None = None) -> dict[str, str]:
    """The environment dbt needs: ``CUR_DBT_*`` (connection), ``CUR_SOURCE_TIMEZONE`` and, on the
    Spark engine, ``DBT_TARGET`` (dbt's ``--target``) with the Thrift server's address."""
    settings = settings or get_settings()
    env = {"CUR_SOURCE_TIMEZONE": settings.source_timezone, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    if settings.warehouse_engine == "spark":
        env |= {
            "DBT_TARGET": DBT_TARGETS["spark"],
            "CUR_DBT_SPARK_HOST": settings.spark_host,
            "CUR_DBT_SPARK_PORT": str(settings.spark_thrift_port),
        }
    if settings.pii_key is not None:
        key = settings.pii_key.get_secret_value()
        env["CUR_PII_KEY"] = key
        env["PGOPTIONS"] = _with_session_setting(os.environ.get("PGOPTIONS", ""), PII_KEY_SETTING, key)
    if dsn is not None:
        address = Dsn.parse(dsn)
        env |= {
            "CUR_DBT_HOST": address.host,
            "CUR_DBT_PORT": str(address.port),
            "CUR_DBT_USER": address.user,
            "CUR_DBT_PASSWORD": address.password or "",
            "CUR_DBT_DBNAME": address.database,
        }
    return env


def dbt_invocation(
    args: Sequence[str], dsn: str | Dsn | None = None, *, target_dir: Path | None = None
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment :func:`run_dbt` runs (to start dbt without waiting for it)."""
    command = [str(DBT_EXECUTABLE), *args]
    if args and "--profiles-dir" not in args:
        command += ["--profiles-dir", str(DBT_DIR)]
    if args and target_dir is not None and "--target-path" not in args:
        command += ["--target-path", str(target_dir)]
    env = {**os.environ, **dbt_env(dsn)}
    if target_dir is not None:
        env["DBT_LOG_PATH"] = str(target_dir / "logs")
    return command, env


def run_dbt(
    args: Sequence[str],
    dsn: str | Dsn | None = None,
    *,
    target_dir: Path | None = None,
    capture: bool = False,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``dbt <args>`` in ``dbt/`` with the project's profiles and :func:`dbt_env`.

    ``target_dir`` keeps the artefacts apart (tests building several databases at once).
    """
    command, env = dbt_invocation(args, dsn, target_dir=target_dir)
    return subprocess.run(
        command,
        cwd=DBT_DIR,
        env=env,
        capture_output=capture,
        text=True,
        check=check,
    )


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in _SOURCES_OF_TRUTH:
        path = DBT_DIR / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for p in files:
            newest = max(newest, p.stat().st_mtime)
    return newest


def manifest_is_stale(path: Path = MANIFEST_PATH) -> bool:
    """Missing, or older than any file of the dbt project."""
    return not path.exists() or path.stat().st_mtime < _newest_source_mtime()


def ensure_packages() -> None:
    """``dbt deps`` when a package of ``packages.yml`` (local ones only) is not linked in yet."""
    spec = DBT_DIR / "packages.yml"
    if not spec.exists():
        return
    wanted = [
        Path(line.split(":", 1)[1].strip()).name for line in spec.read_text().splitlines() if "local:" in line
    ]
    if all((DBT_DIR / "dbt_packages" / name).exists() for name in wanted):
        return
    result = run_dbt(["deps", "--quiet"], capture=True)
    if result.returncode != 0:
        raise RuntimeError(f"dbt deps failed:\n{result.stdout}\n{result.stderr}")


def prepare_manifest(path: Path = MANIFEST_PATH) -> Path:
    """The packages linked and ``dbt parse`` (no database needed) when the manifest is stale."""
    ensure_packages()
    if manifest_is_stale(path):
        result = run_dbt(["parse", "--quiet"], capture=True)
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return path


def _relation(node: Mapping[str, Any]) -> str:
    """``schema.name`` of a model or source node (a source is named by its table identifier)."""
    name = node.get("identifier") or node.get("alias") or node["name"]
    return f"{node['schema']}.{name}"


_PERIODS = {"minute": "minutes", "hour": "hours", "day": "days"}


@dataclass(frozen=True)
class SourceFreshness:
    """A dbt source table's freshness thresholds (``freshness:`` in ``_<source>__sources.yml``)."""

    source: str
    table: str
    warn_after: timedelta | None
    error_after: timedelta | None


def project_var(name: str) -> Any:
    """The value of ``vars.<name>`` in ``dbt/dbt_project.yml``: a parameter written once, there."""
    import yaml

    project = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    found = (project.get("vars") or {}).get(name)
    if found is None:
        raise KeyError(f"dbt_project.yml has no var {name!r}")
    return found


def _delta(rule: Mapping[str, Any] | None) -> timedelta | None:
    if not rule or rule.get("count") is None or rule.get("period") is None:
        return None
    return timedelta(**{_PERIODS[rule["period"]]: int(rule["count"])})


@dataclass(frozen=True)
class Manifest:
    """Typed access to what the rooms need from ``manifest.json``."""

    data: Mapping[str, Any]

    @classmethod
    def load(cls, path: Path | None = None) -> Manifest:
        """The manifest at ``path``, or the project's, prepared first when stale."""
        path = path or prepare_manifest()
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @cached_property
    def _nodes(self) -> dict[str, Mapping[str, Any]]:
        return {**self.data.get("nodes", {}), **self.data.get("sources", {})}

    def models(self, schema: str | None = None) -> dict[str, Mapping[str, Any]]:
        """Model nodes by name, optionally only those built into ``schema``."""
        return {
            n["name"]: n
            for n in self.data.get("nodes", {}).values()
            if n.get("resource_type") == "model" and (schema is None or n.get("schema") == schema)
        }

    def freshness(self, schema: str) -> list[SourceFreshness]:
        """Freshness thresholds of the source tables in ``schema`` that declare them."""
        found = []
        for n in self.data.get("sources", {}).values():
            rule = n.get("freshness") or {}
            if n.get("schema") != schema or not (rule.get("warn_after") or rule.get("error_after")):
                continue
            warn, error = _delta(rule.get("warn_after")), _delta(rule.get("error_after"))
            if warn or error:
                found.append(SourceFreshness(n["source_name"], n["name"], warn, error))
        return sorted(found, key=lambda f: (f.source, f.table))

    def ancestors(self, unique_id: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self._nodes.get(unique_id, {}).get("depends_on", {}).get("nodes", []))
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(self._nodes.get(parent, {}).get("depends_on", {}).get("nodes", []))
        return seen

    def upstream_relations(self, relations: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """For each ``schema.table`` given, the other given relations among its dbt ancestors."""
        known = set(relations)
        by_relation = {
            _relation(n): uid
            for uid, n in self._nodes.items()
            if n.get("resource_type") in ("model", "source") and n.get("schema")
        }
        result: dict[str, tuple[str, ...]] = {}
        for relation in known:
            uid = by_relation.get(relation)
            if uid is None:
                result[relation] = ()
                continue
            parents = {
                _relation(self._nodes[a])
                for a in self.ancestors(uid)
                if a in self._nodes and self._nodes[a].get("schema")
            }
            result[relation] = tuple(sorted(p for p in parents if p in known and p != relation))
        return result
