"""Serving benchmark: every query behind the leadership dashboard, against one full scan of fct_appeals.

The queries are rebuilt from the exported Superset bundle (``superset_assets/bundle``: each chart's
params and its dataset's metric expressions) in the shape Superset's SQLAlchemy query builder emits
for them: the metrics as the dataset's SQL expressions, the x-axis (or the month, for time series and
big numbers with a trend line) and the group-by columns grouped, the adhoc filters as WHERE, a series
limit order and the row limit; a raw-mode table selects its columns in its order. That is the
fallback: ``cur bench`` times the SQL Superset itself ran (``bench/render.py`` reads it from the chart
data API's answers) when Superset and Chromium are installed. Only the database's share of a chart's
load time is measured here.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "superset_assets" / "bundle"
FULL_SCAN = (
    "select count(rating), sum(response_minutes_calendar), count(distinct municipality_key)"
    " from marts.fct_appeals"
)


@dataclass(frozen=True)
class Timing:
    name: str
    sql: str
    median_ms: float
    p95_ms: float


def _metrics_of(mart: str) -> dict[str, str]:
    path = next(BUNDLE.glob(f"datasets/*/{mart}.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {m["metric_name"]: m["expression"] for m in data.get("metrics") or []}


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _where(filters: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for f in filters:
        if f.get("expressionType") == "SQL":
            out.append(f"({f['sqlExpression']})")
            continue
        col, op, val = f["subject"], f["operator"], f.get("comparator")
        if op == "TEMPORAL_RANGE":
            continue  # "No filter"
        if op == "==":
            out.append(f"{col} = {_literal(val)}")
        elif op == "!=":
            out.append(f"{col} != {_literal(val)}")
        elif op == "IN":
            out.append(f"{col} in ({', '.join(_literal(v) for v in val)})")
        elif op == "IS TRUE":
            out.append(f"{col} is true")
        elif op == "IS FALSE":
            out.append(f"{col} is false")
        else:
            raise ValueError(f"filter operator {op} is not reproduced")
    return out


def chart_sql(key: str, mart: str) -> str:
    """The SQL Superset sends for the chart ``key`` of the bundle (see the module's docstring)."""
    params = yaml.safe_load((BUNDLE / "charts" / f"{key}.yaml").read_text(encoding="utf-8"))["params"]
    metrics = _metrics_of(mart)
    table = f"marts.{mart}"
    where = _where(params.get("adhoc_filters") or [])
    where_sql = f" where {' and '.join(where)}" if where else ""
    viz = params["viz_type"]
    if viz == "table" and params.get("query_mode") == "raw":
        cols = ", ".join(params["all_columns"])
        order = [json.loads(o) for o in params.get("order_by_cols") or []]
        order_sql = ", ".join(f"{c} {'asc' if asc else 'desc'}" for c, asc in order)
        return (
            f"select {cols} from {table}{where_sql}"
            + (f" order by {order_sql}" if order_sql else "")
            + (f" limit {params.get('row_limit', 1000)}")
        )
    if viz == "bubble_v2":  # x, y and the bubble's size are metrics, one bubble per entity
        names = [params["x"], params["y"], params["size"]]
        selects = ", ".join(f"{metrics[m]} as {m}" for m in names)
        return (
            f"select {params['entity']} as g0, {selects} from {table}{where_sql}"
            f" group by {params['entity']} order by {metrics[params['size']]} desc"
            f" limit {params.get('row_limit', 1000)}"
        )
    names = params.get("metrics") or [params["metric"]]
    selects = [f"{metrics[m]} as {m}" for m in names]
    groups: list[str] = []
    x_axis = params.get("x_axis")
    if x_axis and params.get("time_grain_sqla"):
        groups.append(f"date_trunc('month', {x_axis})")
    elif x_axis:
        groups.append(x_axis)
    groups += params.get("groupby") or []
    select_sql = ", ".join([*(f"{g} as g{i}" for i, g in enumerate(groups)), *selects])
    sql = f"select {select_sql} from {table}{where_sql}"
    if groups:
        sql += " group by " + ", ".join(groups)
    sort = params.get("timeseries_limit_metric") or params.get("x_axis_sort")
    if sort in metrics:
        sql += f" order by {metrics[sort]} {'desc' if params.get('order_desc', True) else 'asc'}"
    elif groups:
        sql += " order by 1"
    if params.get("row_limit"):
        sql += f" limit {params['row_limit']}"
    return sql


def _time(conn: psycopg.Connection, sql: str, repeats: int) -> tuple[float, float]:
    conn.execute(sql).fetchall()  # warm: the first run pays for planning caches and cold pages
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95


def dashboard_charts(slug: str = "leadership_overview") -> list[tuple[str, str]]:
    """(chart key, mart) of every chart on the dashboard ``slug``, in its layout order, read from the
    bundle's files (the bundle is what Superset imports; the spec that writes it is not imported here)."""
    dashboard = yaml.safe_load((BUNDLE / "dashboards" / f"{slug}.yaml").read_text(encoding="utf-8"))
    keys = [k.removeprefix("CHART-") for k in dashboard["position"] if k.startswith("CHART-")]
    tables = {}
    for path in BUNDLE.glob("datasets/*/*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        tables[data["uuid"]] = data["table_name"]
    charts = []
    for key in keys:
        chart = yaml.safe_load((BUNDLE / "charts" / f"{key}.yaml").read_text(encoding="utf-8"))
        charts.append((key, tables[chart["dataset_uuid"]]))
    return charts


def serving_timings(
    dsn: str, repeats: int = 20, queries: list[tuple[str, str]] | None = None
) -> tuple[Timing, list[Timing]]:
    """(one full scan of fct_appeals, every leadership chart's query), median and p95 over ``repeats``.

    ``queries``: (chart, SQL) as Superset ran them (``bench.render``); without them each chart's query
    is rebuilt from the bundle (:func:`chart_sql`)."""
    if queries is None:
        queries = [(key, chart_sql(key, mart)) for key, mart in dashboard_charts()]
    with psycopg.connect(dsn, autocommit=True) as conn:
        scan = Timing("full scan of fct_appeals", FULL_SCAN, *_time(conn, FULL_SCAN, max(3, repeats // 4)))
        charts = [Timing(key, sql, *_time(conn, sql, repeats)) for key, sql in queries]
    return scan, charts
