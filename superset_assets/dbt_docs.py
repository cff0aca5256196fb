"""The dbt models of schema ``marts`` as documented in the dbt project: columns, types, descriptions,
and what Superset shows of them (``config: meta: superset:``).

Read from ``dbt/target/manifest.json`` when one is given (``cur dbt parse`` writes it), else from the
model YAML files under ``dbt/models/marts`` (one YAML per model, the project's rule). The Superset
side of a model lives in its YAML, next to the column it describes:

.. code-block:: yaml

    models:
      - name: kpi_appeals
        config:
          meta:
            superset:
              label: "Обращения граждан: показатели по разрезам"   # the dataset's Russian name
              metrics:
                - name: appeals
                  label: "Обращений"
                  expression: "SUM(appeals_count)"
                  format: ",d"                     # d3 format, optional
                  description: "…"                 # optional, Russian
        columns:
          - name: sector_name
            description: "…"
            config: {meta: {superset: {label: "Отрасль"}}}

A column without a label is shown under its dbt description (or its name): a column another
branch adds to a mart never breaks the bundle build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

from core.dbt import Manifest
from core.paths import DBT_DIR, PROJECT_ROOT

REPO_ROOT = PROJECT_ROOT
MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class Metric:
    """A Superset metric of a dataset: SQL over the mart's columns, with its Russian label."""

    name: str
    label: str
    expression: str
    d3format: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class DbtColumn:
    name: str
    data_type: str | None
    description: str
    label: str | None = None  # meta.superset.label

    @property
    def shown_as(self) -> str:
        """What Superset shows as the column's name: its label, else its description, else its name."""
        return self.label or self.description or self.name


@dataclass(frozen=True)
class DbtModel:
    name: str
    description: str
    origin: str  # the file it was read from
    columns: dict[str, DbtColumn] = field(default_factory=dict)
    label: str | None = None  # meta.superset.label: the dataset's name in Superset
    metrics: tuple[Metric, ...] = ()  # meta.superset.metrics


def _superset_meta(item: dict[str, Any]) -> dict[str, Any]:
    """``config.meta.superset`` of a model or column (also the older top-level ``meta``)."""
    config = item.get("config") or {}
    for meta in (config.get("meta"), item.get("meta")):
        if isinstance(meta, dict) and isinstance(meta.get("superset"), dict):
            return meta["superset"]
    return {}


def _metrics(superset: dict[str, Any], origin: str, model: str) -> tuple[Metric, ...]:
    metrics = []
    for raw in superset.get("metrics") or []:
        try:
            metrics.append(Metric(
                name=str(raw["name"]),
                label=str(raw["label"]),
                expression=_clean(raw["expression"]),
                d3format=raw.get("format"),
                description=raw.get("description"),
            ))  # fmt: skip
        except (KeyError, TypeError) as error:
            raise ValueError(
                f"{origin}: model {model}: a meta.superset metric needs name, label and expression "
                f"(got {raw!r})"
            ) from error
    return tuple(metrics)


def _postgres_type(data_type: object) -> str | None:
    """A column's ``data_type`` as on PostgreSQL, whose marts Superset reads: the YAML renders some
    per target (``"{{ 'string' if target.type == 'spark' else 'text' }}"``, issue 16)."""
    if not data_type:
        return None
    text = str(data_type)
    if "{{" in text:
        text = jinja2.Template(text).render(target={"type": "postgres"})
    return text


def _columns(raw: object) -> dict[str, DbtColumn]:
    columns: dict[str, DbtColumn] = {}
    items = raw.values() if isinstance(raw, dict) else raw or []
    for item in items:
        if not isinstance(item, dict) or "name" not in item:
            continue
        name = str(item["name"]).lower()
        label = _superset_meta(item).get("label")
        columns[name] = DbtColumn(
            name, _postgres_type(item.get("data_type")), _clean(item.get("description")), label or None
        )
    return columns


def _clean(text: object) -> str:
    return " ".join(str(text or "").split())


def _model(item: dict[str, Any], origin: str) -> DbtModel:
    name = str(item["name"])
    superset = _superset_meta(item)
    return DbtModel(
        name=name,
        description=_clean(item.get("description")),
        origin=origin,
        columns=_columns(item.get("columns")),
        label=superset.get("label") or None,
        metrics=_metrics(superset, origin, name),
    )


def models_from_yaml(models_dir: Path | None = None) -> dict[str, DbtModel]:
    """Every model declared in a YAML file under ``dbt/models/marts``."""
    models_dir = models_dir or DBT_DIR / "models" / "marts"
    found: dict[str, DbtModel] = {}
    for path in sorted(models_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        origin = str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
        for model in document.get("models") or []:
            found[str(model["name"])] = _model(model, origin)
    return found


def models_from_manifest(manifest: Path) -> dict[str, DbtModel]:
    """Every model of schema ``marts`` in a dbt manifest (read by :class:`core.dbt.Manifest`)."""
    nodes = Manifest.load(manifest).models(MARTS_SCHEMA)
    return {name: _model(node, str(manifest)) for name, node in nodes.items()}


def marts_models(manifest: Path | None = None) -> dict[str, DbtModel]:
    """The marts models: from ``manifest`` if given, else the YAML files (always current with the code).

    The YAML files are the default because a manifest in ``dbt/target`` may be older than the checkout.
    """
    if manifest is not None:
        return models_from_manifest(manifest)
    return models_from_yaml()
