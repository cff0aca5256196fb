"""The dbt project as Dagster sees it: ``DbtProject`` built once here, with a translator.

Loading this module does no work: the manifest is prepared by the composition root (the ``cur`` CLI
calls :func:`core.dbt.prepare_manifest` before it loads the definitions) or, under ``dagster dev``,
here — the equivalent of ``DbtProject.prepare_if_dev()`` with the project's own dbt environment
(its ``dbt_project.yml`` reads the sources' time zone from the settings).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from core.dbt import DBT_EXECUTABLE, prepare_manifest
from core.paths import DBT_DIR
from ingestion.schemas import RAW_SCHEMA

__all__ = ["DBT_EXECUTABLE", "CurDbtTranslator", "dbt_project", "translator"]

dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)

if os.environ.get("DAGSTER_IS_DEV_CLI"):  # `dagster dev`: parse when the project changed
    prepare_manifest(dbt_project.manifest_path)


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
