"""The dbt project as Dagster sees it: built once here, with its manifest kept up to date."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from ingestion.config import PROJECT_ROOT
from ingestion.schemas import RAW_SCHEMA

DBT_DIR = PROJECT_ROOT / "dbt"

# dbt of this environment (next to the interpreter), whether or not the venv is on PATH.
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"

dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)

_SOURCES_OF_TRUTH = ("models", "seeds", "snapshots", "macros", "tests", "dbt_project.yml")


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in _SOURCES_OF_TRUTH:
        path = DBT_DIR / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for p in files:
            newest = max(newest, p.stat().st_mtime)
    return newest


def ensure_manifest() -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than any project file; return its path.

    Parsing needs no database connection, so this works before the warehouse is started.
    """
    manifest = dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        subprocess.run(
            [
                str(DBT_EXECUTABLE),
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_DIR),
                "--profiles-dir",
                str(DBT_DIR),
            ],
            check=True,
            cwd=DBT_DIR,
            env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        )
    return manifest


class CurDbtTranslator(DagsterDbtTranslator):
    """Keys and groups derived from the dbt graph, never from a list of model names.

    - sources → ``<schema>/<table>``: for ``raw`` the keys of the ingestion assets, so lineage runs
      from the landing files through the raw tables into dbt (``quality/certifications`` is written by
      the Great Expectations checks);
    - models → ``<layer>/<name>`` and group ``<layer>`` (the first folder under ``models/``:
      staging, intermediate, marts);
    - seeds → group ``reference``; snapshots → group ``snapshots``.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        kind = dbt_resource_props["resource_type"]
        if kind == "source":
            schema = dbt_resource_props.get("schema") or RAW_SCHEMA
            return dg.AssetKey([schema, dbt_resource_props["name"]])
        return dg.AssetKey([self.get_group_name(dbt_resource_props) or "dbt", dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        kind = dbt_resource_props["resource_type"]
        if kind == "seed":
            return "reference"
        if kind == "snapshot":
            return "snapshots"
        if kind == "source":
            return "ingestion" if dbt_resource_props.get("schema", RAW_SCHEMA) == RAW_SCHEMA else "quality"
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "dbt"


translator = CurDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
