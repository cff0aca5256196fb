"""Render the dashboards as code (:mod:`superset_assets.spec`) into Superset's export layout, and the
dbt exposures of the dashboards.

    cur superset build            # (re)write bundle/ and dbt/models/exposures.yml
    cur superset build --check    # exit 1 when either is not current

The bundle is what Superset's own export writes: ``metadata.yaml``, ``databases/``, ``datasets/<db>/``,
``charts/``, ``dashboards/``, YAML linked by uuid. The uuids are derived from stable names (uuid5),
so a rebuild gives the same files and a re-import updates the same objects. Dataset columns, their
types, descriptions and Russian labels, and the datasets' names and metrics, come from the dbt
models' YAML (``config: meta: superset:``, read by :mod:`superset_assets.dbt_docs`); a column without a
label is shown under its description or name. The database's password is never in the bundle: the
URI carries Superset's mask ``XXXXXXXXXX`` and the real one is given at import.

``dbt/models/exposures.yml`` is generated too (one exposure per dashboard, depending on the marts its
charts read), so a dashboard is edited in one file, ``spec.py``.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import yaml

from superset_assets import spec
from superset_assets.dbt_docs import DBT_DIR, REPO_ROOT, DbtModel, marts_models

BUNDLE_DIR = Path(__file__).resolve().parent / "bundle"
EXPOSURES_PATH = DBT_DIR / "models" / "exposures.yml"
NAMESPACE = uuid.UUID("6f1c3f0e-5b7a-4c55-9a51-2f0c3d8e7a10")
DATABASE_NAME = "ЦУР: витрины"
DATABASE_FILE = "databases/cur_dwh_marts.yaml"
DATABASE_DIR = "cur_dwh_marts"
PASSWORD_MASK = "XXXXXXXXXX"
# Rewritten at import from the DSN Superset is given (host, port, database); the role is fixed.
DEFAULT_URI = f"postgresql+psycopg2://cur_superset_ro:{PASSWORD_MASK}@127.0.0.1:55432/cur_dwh"
TIMESTAMP = "2026-01-01T00:00:00+00:00"


def stable_uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


def _superset_type(data_type: str | None) -> str:
    if not data_type:
        return "TEXT"  # a column whose YAML gives no type: shown, never aggregated
    t = data_type.strip().lower()
    aliases = {
        "timestamptz": "TIMESTAMP WITH TIME ZONE",
        "int": "INTEGER",
        "int4": "INTEGER",
        "int8": "BIGINT",
        "bool": "BOOLEAN",
        "float8": "DOUBLE PRECISION",
    }
    return aliases.get(t, t.upper())


def dataset_columns(model: DbtModel | None) -> list[dict[str, Any]]:
    columns = []
    for column in model.columns.values() if model is not None else ():
        sql_type = _superset_type(column.data_type)
        temporal = sql_type.startswith(("DATE", "TIMESTAMP"))
        measure = sql_type in {"INTEGER", "BIGINT", "NUMERIC", "DOUBLE PRECISION"} or sql_type.startswith(
            "NUMERIC"
        )
        columns.append({
            "column_name": column.name,
            "verbose_name": column.shown_as,
            "is_dttm": temporal,
            "is_active": True,
            "type": sql_type,
            "advanced_data_type": None,
            "groupby": not measure or column.name == "year",
            "filterable": True,
            "expression": None,
            "description": column.description or None,
            "python_date_format": None,
            "extra": {},
        })  # fmt: skip
    return columns


def render_database() -> dict[str, Any]:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": DEFAULT_URI,
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_file_upload": False,
        "extra": {"allows_virtual_table_explore": True, "schemas_allowed_for_file_upload": []},
        "uuid": stable_uuid("database", "cur_dwh_marts"),
        "version": "1.0.0",
    }


def render_dataset(dataset: spec.Dataset, model: DbtModel | None) -> dict[str, Any]:
    label = (model.label if model is not None else None) or dataset.mart
    description = f"{label}. {model.description}" if model is not None and model.description else label
    return {
        "table_name": dataset.mart,
        "main_dttm_col": dataset.main_dttm_col,
        "description": description,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "catalog": None,
        "schema": "marts",
        "sql": None,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        # Certification is set after the import from the certification record (publish.py).
        "extra": {},
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": stable_uuid("dataset", dataset.mart),
        "metrics": [
            {
                "metric_name": m.name,
                "verbose_name": m.label,
                "metric_type": None,
                "expression": m.expression,
                "description": m.description,
                "d3format": m.d3format,
                "currency": None,
                "extra": {},
                "warning_text": None,
            }
            for m in (model.metrics if model is not None else ())
        ],
        "columns": dataset_columns(model),
        "version": "1.0.0",
        "database_uuid": stable_uuid("database", "cur_dwh_marts"),
    }


def render_chart(chart: spec.Chart) -> dict[str, Any]:
    return {
        "slice_name": chart.title,
        "description": chart.description,
        "certified_by": None,
        "certification_details": None,
        "viz_type": chart.viz,
        "params": {"viz_type": chart.viz, **chart.params},
        "query_context": None,
        "cache_timeout": None,
        "uuid": stable_uuid("chart", chart.key),
        "version": "1.0.0",
        "dataset_uuid": stable_uuid("dataset", chart.mart),
    }


def _columns_of(mart: str, models: dict[str, DbtModel]) -> set[str]:
    model = models.get(mart)
    return set(model.columns) if model is not None else set()


def render_dashboard(board: spec.Dashboard, models: dict[str, DbtModel]) -> dict[str, Any]:
    chart_ids = {chart.key: number for number, chart in enumerate(board.charts(), start=1)}
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"id": "ROOT_ID", "type": "ROOT", "children": ["GRID_ID"]},
        "GRID_ID": {"id": "GRID_ID", "type": "GRID", "parents": ["ROOT_ID"], "children": []},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": board.title}},
    }
    if board.notes:
        position["GRID_ID"]["children"].append("ROW-notes")
        position["ROW-notes"] = {
            "id": "ROW-notes",
            "type": "ROW",
            "parents": ["ROOT_ID", "GRID_ID"],
            "children": ["MARKDOWN-notes"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        position["MARKDOWN-notes"] = {
            "id": "MARKDOWN-notes",
            "type": "MARKDOWN",
            "parents": ["ROOT_ID", "GRID_ID", "ROW-notes"],
            "children": [],
            "meta": {"width": 12, "height": 10, "code": board.notes},
        }
    for number, row in enumerate(board.rows, start=1):
        row_id = f"ROW-{number}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "id": row_id,
            "type": "ROW",
            "parents": ["ROOT_ID", "GRID_ID"],
            "children": [f"CHART-{c.key}" for c in row],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        for chart in row:
            position[f"CHART-{chart.key}"] = {
                "id": f"CHART-{chart.key}",
                "type": "CHART",
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "children": [],
                "meta": {
                    "width": chart.width,
                    "height": chart.height,
                    "chartId": chart_ids[chart.key],
                    "sliceName": chart.title,
                    "uuid": stable_uuid("chart", chart.key),
                },
            }
    filters = []
    for flt in board.filters:
        # A filter applies only to the charts whose dataset has its column; the status charts
        # (certification record) are never filtered.
        def applies(chart: spec.Chart, flt: spec.Filter = flt) -> bool:
            if chart.mart == "kpi_certification_status":
                return False
            if flt.kind == "time":
                return spec.DATASET_BY_MART[chart.mart].main_dttm_col is not None
            return flt.column in _columns_of(chart.mart, models)

        in_scope = [chart_ids[c.key] for c in board.charts() if applies(c)]
        excluded = [chart_ids[c.key] for c in board.charts() if not applies(c)]
        base: dict[str, Any] = {
            "id": f"NATIVE_FILTER-{board.slug}-{flt.column}",
            "name": flt.name,
            "type": "NATIVE_FILTER",
            "description": "",
            "cascadeParentIds": [],
            "scope": {"rootPath": ["ROOT_ID"], "excluded": excluded},
            "chartsInScope": in_scope,
            "tabsInScope": [],
            "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
        }
        if flt.kind == "time":
            base.update(filterType="filter_time", targets=[{}], controlValues={})
        else:
            base.update(
                filterType="filter_select",
                targets=[{"datasetUuid": stable_uuid("dataset", flt.mart), "column": {"name": flt.column}}],
                controlValues={
                    "enableEmptyFilter": False,
                    "multiSelect": True,
                    "searchAllOptions": False,
                    "inverseSelection": False,
                    "defaultToFirstItem": False,
                },
            )
        filters.append(base)
    return {
        "dashboard_title": board.title,
        "description": board.description,
        "css": "",
        "slug": board.slug,
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "uuid": stable_uuid("dashboard", board.slug),
        "position": position,
        "metadata": {
            "color_scheme": "supersetColors",
            "refresh_frequency": 0,
            "expanded_slices": {},
            "label_colors": {},
            "shared_label_colors": [],
            "timed_refresh_immune_slices": [],
            "cross_filters_enabled": True,
            "default_filters": "{}",
            "chart_configuration": {},
            "global_chart_configuration": {
                "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
                "chartsInScope": sorted(chart_ids.values()),
            },
            "native_filter_configuration": filters,
            "filter_bar_orientation": "VERTICAL",
        },
        "version": "1.0.0",
    }


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=120)


def render_bundle(models: dict[str, DbtModel] | None = None) -> dict[str, str]:
    """Every file of the bundle: relative path -> YAML text."""
    models = marts_models() if models is None else models
    files = {
        "metadata.yaml": _dump({"version": "1.0.0", "type": "Dashboard", "timestamp": TIMESTAMP}),
        DATABASE_FILE: _dump(render_database()),
    }
    for dataset in spec.DATASETS:
        files[f"datasets/{DATABASE_DIR}/{dataset.mart}.yaml"] = _dump(
            render_dataset(dataset, models.get(dataset.mart))
        )
    for board in spec.DASHBOARDS:
        for chart in board.charts():
            files[f"charts/{chart.key}.yaml"] = _dump(render_chart(chart))
        files[f"dashboards/{board.slug}.yaml"] = _dump(render_dashboard(board, models))
    return files


EXPOSURES_HEADER = """\
# GENERATED by `cur superset build` from superset_assets/spec.py: edit the spec, not this file.
# The Superset dashboards (superset_assets/) and the KPI marts each one reads.
# URLs point at a local Superset (SUPERSET_PORT 8088 by default, see .env.example); the slugs are these names.
"""
EXPOSURE_BASE_URL = "http://localhost:8088"


class _IndentedDumper(yaml.SafeDumper):
    """Lists indented under their key, as in the project's hand-written dbt YAML."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def render_exposures() -> str:
    """``dbt/models/exposures.yml``: one dashboard exposure per dashboard of the spec, depending on
    the marts its charts read."""
    exposures = [
        {
            "name": board.slug,
            "label": board.title,
            "type": "dashboard",
            "maturity": "medium",
            "url": f"{EXPOSURE_BASE_URL}/superset/dashboard/{board.slug}/",
            "description": board.purpose or board.description,
            "depends_on": [f"ref('{mart}')" for mart in sorted({c.mart for c in board.charts()})],
            "owner": {"name": "ЦУР analytics"},
            "config": {"meta": {"tool": "superset"}},
        }
        for board in spec.DASHBOARDS
    ]
    return EXPOSURES_HEADER + yaml.dump(
        {"exposures": exposures},
        Dumper=_IndentedDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


def write_bundle(target: Path = BUNDLE_DIR, exposures: Path = EXPOSURES_PATH) -> list[str]:
    """Write the bundle into ``target`` (removing files the spec no longer has) and the exposures."""
    files = render_bundle()
    for stale in target.rglob("*.yaml") if target.exists() else []:
        if stale.relative_to(target).as_posix() not in files:
            stale.unlink()
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    text = render_exposures()
    if not exposures.exists() or exposures.read_text(encoding="utf-8") != text:
        exposures.write_text(text, encoding="utf-8")
    return sorted(files)


def _shown(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def stale_files(target: Path = BUNDLE_DIR, exposures: Path = EXPOSURES_PATH) -> list[str]:
    """Files of the committed bundle that differ from a fresh render (missing, changed or extra),
    and the exposures file (by its path from the repository root) when it differs from the spec."""
    files = render_bundle()
    present = {p.relative_to(target).as_posix() for p in target.rglob("*.yaml")} if target.exists() else set()
    differ = [r for r, t in files.items() if r not in present or (target / r).read_text("utf-8") != t]
    stale = sorted(differ + sorted(present - set(files)))
    if not exposures.exists() or exposures.read_text(encoding="utf-8") != render_exposures():
        stale.append(_shown(exposures))
    return stale


def label_notes() -> list[str]:
    """Datasets without a dbt model, and mart columns without a Russian label (shown under their
    description): worth a look, never an error."""
    models = marts_models()
    notes = []
    for dataset in spec.DATASETS:
        model = models.get(dataset.mart)
        if model is None:
            notes.append(f"{dataset.mart} is not a dbt model in marts: its dataset has no columns")
            continue
        unlabelled = [c.name for c in model.columns.values() if not c.label]
        if unlabelled:
            notes.append(
                f"{model.origin}: no meta.superset.label for {', '.join(unlabelled)}"
                " (shown under the dbt description)"
            )
    return notes
