"""The dbt models of schema ``marts`` as documented in the dbt project: columns, types, descriptions.

Read from ``dbt/target/manifest.json`` when it is there (``cur dbt parse`` writes it), else from the
model YAML files under ``dbt/models/marts`` (one YAML per model, the project's rule). Both give the
same names; the manifest also knows models whose YAML lacks a column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_DIR = REPO_ROOT / "dbt"
MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class DbtColumn:
    name: str
    data_type: str | None
    description: str


@dataclass(frozen=True)
class DbtModel:
    name: str
    description: str
    origin: str  # the file it was read from
    columns: dict[str, DbtColumn] = field(default_factory=dict)


def _columns(raw: object) -> dict[str, DbtColumn]:
    columns: dict[str, DbtColumn] = {}
    items = raw.values() if isinstance(raw, dict) else raw or []
    for item in items:
        if not isinstance(item, dict) or "name" not in item:
            continue
        name = str(item["name"]).lower()
        data_type = item.get("data_type")
        description = _clean(item.get("description"))
        columns[name] = DbtColumn(name, str(data_type) if data_type else None, description)
    return columns


def _clean(text: object) -> str:
    return " ".join(str(text or "").split())


def models_from_yaml(models_dir: Path | None = None) -> dict[str, DbtModel]:
    """Every model declared in a YAML file under ``dbt/models/marts``."""
    models_dir = models_dir or DBT_DIR / "models" / "marts"
    found: dict[str, DbtModel] = {}
    for path in sorted(models_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models") or []:
            name = str(model["name"])
            found[name] = DbtModel(
                name=name,
                description=_clean(model.get("description")),
                origin=str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path),
                columns=_columns(model.get("columns")),
            )
    return found


def models_from_manifest(manifest: Path) -> dict[str, DbtModel]:
    """Every model of schema ``marts`` in a dbt manifest."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    found: dict[str, DbtModel] = {}
    for node in data.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") != MARTS_SCHEMA:
            continue
        found[node["name"]] = DbtModel(
            name=node["name"],
            description=_clean(node.get("description")),
            origin=str(manifest),
            columns=_columns(node.get("columns")),
        )
    return found


def marts_models(manifest: Path | None = None) -> dict[str, DbtModel]:
    """The marts models: from ``manifest`` if given, else the YAML files (always current with the code).

    The YAML files are the default because a manifest in ``dbt/target`` may be older than the checkout.
    """
    if manifest is not None:
        return models_from_manifest(manifest)
    return models_from_yaml()
