"""Check the committed bundle against itself and against the dbt project.

    cur superset validate [--manifest dbt/target/manifest.json]

* every chart's dataset exists in the bundle, every dataset's database too;
* every dashboard's charts exist, and each native filter targets an existing dataset and column;
* every dataset is a dbt model in schema ``marts``, and each of its physical columns is a column of
  that model;
* every column a chart uses (grouping, axes, filters, ordering) is a column of its dataset, every
  metric it names is a metric of its dataset, and every column a metric's SQL reads is a dbt column.

It reads the YAML files of ``superset_assets/bundle`` (what is imported), not the spec they were
built from. Exit status 1 and one line per problem when something does not match.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from superset_assets.build import BUNDLE_DIR
from superset_assets.dbt_docs import MARTS_SCHEMA, DbtModel, marts_models

_SQL_WORDS = {
    "and", "as", "asc", "between", "by", "case", "cast", "date", "decimal", "desc", "distinct", "else",
    "end", "false", "filter", "float", "in", "integer", "interval", "is", "like", "not", "null",
    "numeric", "or", "then", "true", "when", "where",
}  # fmt: skip


def sql_columns(expression: str) -> set[str]:
    """Identifiers a SQL expression reads, without functions, keywords, literals and type casts."""
    text = re.sub(r"'(?:[^']|'')*'", " ", expression.lower())
    text = re.sub(r"::\s*[a-z_ ]+(\(\s*\d+(\s*,\s*\d+)?\s*\))?", " ", text)
    names = set()
    for match in re.finditer(r"\b([a-z_][a-z0-9_]*)\b(\s*\()?", text):
        if match.group(2) is None and match.group(1) not in _SQL_WORDS:
            names.add(match.group(1))
    return names


def chart_columns(params: dict[str, Any]) -> set[str]:
    used: set[str] = set()
    for key in ("groupby", "all_columns", "columns"):
        used.update(c for c in params.get(key) or [] if isinstance(c, str))
    for key in ("x_axis", "granularity_sqla", "series", "entity"):
        if isinstance(params.get(key), str):
            used.add(params[key])
    for flt in params.get("adhoc_filters") or []:
        if flt.get("expressionType") == "SIMPLE":
            used.add(flt["subject"])
    for entry in params.get("order_by_cols") or []:
        used.add(yaml.safe_load(entry)[0])
    return used


def chart_metrics(params: dict[str, Any]) -> set[str]:
    names = list(params.get("metrics") or []) + list(params.get("percent_metrics") or [])
    names += [params[k] for k in ("metric", "timeseries_limit_metric", "secondary_metric") if params.get(k)]
    return {m for m in names if isinstance(m, str)}


def validate_bundle(bundle: Path = BUNDLE_DIR, models: dict[str, DbtModel] | None = None) -> list[str]:
    """Every problem found, one sentence each; empty when the bundle is consistent."""
    models = marts_models() if models is None else models
    problems: list[str] = []

    def read(kind: str) -> dict[str, dict[str, Any]]:
        return {p.relative_to(bundle).as_posix(): yaml.safe_load(p.read_text("utf-8"))
                for p in sorted((bundle / kind).rglob("*.yaml"))}  # fmt: skip

    databases = {d["uuid"]: d for d in read("databases").values()}
    datasets = read("datasets")
    charts = read("charts")
    dashboards = read("dashboards")
    by_uuid = {d["uuid"]: d for d in datasets.values()}
    chart_uuids = {c["uuid"] for c in charts.values()}

    for path, ds in datasets.items():
        name = ds["table_name"]
        if ds["database_uuid"] not in databases:
            problems.append(f"{path}: database {ds['database_uuid']} is not in the bundle")
        if ds.get("schema") != MARTS_SCHEMA or ds.get("sql"):
            problems.append(f"{path}: not a table of schema {MARTS_SCHEMA} (schema {ds.get('schema')})")
        model = models.get(name)
        if model is None:
            problems.append(f"{path}: {name} is not a dbt model in {MARTS_SCHEMA}")
            continue
        for column in ds["columns"]:
            if column.get("expression"):
                missing = sql_columns(column["expression"]) - set(model.columns)
            else:
                missing = {column["column_name"]} - set(model.columns)
            if missing:
                problems.append(f"{path}: column {column['column_name']} reads {sorted(missing)}, "
                                f"not columns of dbt model {name}")  # fmt: skip
        for metric in ds["metrics"]:
            missing = sql_columns(metric["expression"]) - set(model.columns)
            if missing:
                problems.append(f"{path}: metric {metric['metric_name']} reads {sorted(missing)}, "
                                f"not columns of dbt model {name}")  # fmt: skip

    for path, chart in charts.items():
        ds = by_uuid.get(chart["dataset_uuid"])
        if ds is None:
            problems.append(f"{path}: dataset {chart['dataset_uuid']} is not in the bundle")
            continue
        columns = {c["column_name"] for c in ds["columns"]}
        metrics = {m["metric_name"] for m in ds["metrics"]}
        for column in sorted(chart_columns(chart["params"]) - columns):
            problems.append(f"{path}: column {column} is not in dataset {ds['table_name']}")
        for metric in sorted(chart_metrics(chart["params"]) - metrics):
            problems.append(f"{path}: metric {metric} is not in dataset {ds['table_name']}")

    for path, board in dashboards.items():
        for key, node in board["position"].items():
            is_chart = isinstance(node, dict) and node.get("type") == "CHART"
            if is_chart and node["meta"]["uuid"] not in chart_uuids:
                problems.append(f"{path}: {key} refers to chart {node['meta']['uuid']}, not in the bundle")
        for flt in board["metadata"].get("native_filter_configuration") or []:
            for target in flt.get("targets") or []:
                if not target:
                    continue
                ds = by_uuid.get(target.get("datasetUuid"))
                column = (target.get("column") or {}).get("name")
                if ds is None:
                    problems.append(f"{path}: filter {flt['name']} targets a dataset not in the bundle")
                elif column not in {c["column_name"] for c in ds["columns"]}:
                    problems.append(f"{path}: filter {flt['name']}: {column} not in {ds['table_name']}")
    return problems
