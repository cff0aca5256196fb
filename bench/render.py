"""The leadership dashboard in a real browser: cold and warm render times, and Superset's own SQL.

A Superset of its own (state in a temporary folder, a free port) is started on the benchmark's
warehouse, the bundle published to it (read-only role, the certification record GX wrote), and
Debian's Chromium opens the leadership dashboard as the leadership user (the browser tests' code,
``superset_assets.browser``):

* **cold**: the first opening after Superset started (no cached chart data, no warm worker);
* **warm**: the next openings (Superset's data cache and the warehouse's buffers warm), median;

each timed from the navigation until every chart has settled. Every chart data answer Superset sent
the browser carries the SQL it ran (``result[].query``): those are the serving queries the benchmark
then times against the warehouse directly (``bench.serving.serving_timings``). Superset is stopped at the
end. Nothing here asserts a time.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from superset_assets import browser as pages

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "superset_assets" / "bundle"
LEADERSHIP_USER = "rukovoditel"
SLUG = "leadership_overview"
RO_ROLE = "cur_superset_ro_bench"


class RenderUnavailable(RuntimeError):
    """Superset or Chromium is not installed here: the phase is reported as not measured, with why."""


@dataclass
class RenderResults:
    cold_seconds: float = 0.0
    warm_seconds: list[float] = field(default_factory=list)
    charts: int = 0
    not_rendered: list[str] = field(default_factory=list)  # charts that failed or never settled
    queries: list[tuple[str, str]] = field(default_factory=list)  # (chart key, SQL Superset ran)
    superset_start_seconds: float = 0.0

    @property
    def warm_median(self) -> float:
        return statistics.median(self.warm_seconds) if self.warm_seconds else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _environment(**values: str | None) -> Iterator[None]:
    """Set (or, with None, unset) environment variables for the block; restore them after."""
    saved = {k: os.environ.get(k) for k in values}
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def chart_keys_by_title(slug: str) -> dict[str, str]:
    """Title -> key (file name in the bundle) of the charts of the dashboard ``slug`` (titles are unique
    within a dashboard, not across dashboards)."""
    from bench.serving import dashboard_charts

    out = {}
    for key, _mart in dashboard_charts(slug):
        chart = yaml.safe_load((BUNDLE / "charts" / f"{key}.yaml").read_text(encoding="utf-8"))
        out[chart["slice_name"]] = key
    return out


def _timed_open(page: Any, base_url: str, slug: str) -> tuple[float, list[list[str]]]:
    started = time.perf_counter()
    states = pages.open_dashboard(page, base_url, slug, timeout=300.0, poll=0.05)
    return time.perf_counter() - started, states


def measure_dashboard(
    browser: Any, base_url: str, user: str, password: str, slug: str = SLUG, warm_runs: int = 3
) -> RenderResults:
    """Open the dashboard ``slug`` as ``user`` in ``browser`` (a Playwright browser) once cold and
    ``warm_runs`` times warm; record the SQL of every chart data answer of the cold opening."""
    from superset_assets.publish import SupersetClient

    out = RenderResults()
    client = SupersetClient(base_url).login(user, password)
    charts = client.request("GET", f"/api/v1/dashboard/{slug}/charts")["result"]
    titles = {c["id"]: c["slice_name"] for c in charts}
    keys = chart_keys_by_title(slug)
    page = pages.login(browser, base_url, user, password)
    try:
        recorded = pages.record_chart_queries(page)
        out.cold_seconds, states = _timed_open(page, base_url, slug)
        out.charts = len(states)
        out.not_rendered = [s[0] for s in states if s[1] not in {"ok", "empty"}]
        seen: set[str] = set()
        for query in recorded:
            if query.slice_id is None:  # a native filter's list of values
                key = f"filter: {', '.join(query.columns) or 'values'}"
            else:
                key = keys.get(titles.get(query.slice_id, ""), f"chart {query.slice_id}")
            if query.sql not in seen:
                seen.add(query.sql)
                out.queries.append((key, query.sql))
        for _ in range(warm_runs):
            seconds, _states = _timed_open(page, base_url, slug)
            out.warm_seconds.append(seconds)
    finally:
        page.context.close()
    return out


def render_leadership(dsn: str, warm_runs: int = 3) -> RenderResults:
    """Start a Superset of its own on ``dsn``, publish the bundle, measure the leadership dashboard
    as the leadership user (:func:`measure_dashboard`), stop Superset."""
    from core import debian
    from expectations.certification import current_certification
    from superset_assets import db_role, launcher, roles
    from superset_assets.publish import publish

    if not launcher.is_installed():
        raise RenderUnavailable("Superset is not installed (`cur superset install`)")
    try:
        chromium = debian.ensure_chromium()
    except debian.MissingTool as exc:
        raise RenderUnavailable(str(exc)) from exc
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="cur_bench_superset_") as state,
        _environment(
            SUPERSET_STATE_DIR=state,
            SUPERSET_PORT=str(_free_port()),
            CUR_SUPERSET_REPORTS="0",
            SUPERSET_ADMIN_PASSWORD=None,  # the throw-away Superset keeps its own in its state folder
        ),
    ):
        started = time.perf_counter()
        launcher.start()
        start_seconds = time.perf_counter() - started
        try:
            base_url = launcher.base_url()
            ro_dsn = db_role.ensure_readonly_role(dsn, role=RO_ROLE)
            publish(
                ro_dsn, base_url, launcher.admin_user(), launcher.admin_password(), current_certification(dsn)
            )
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
                )
                try:
                    out = measure_dashboard(
                        browser,
                        base_url,
                        LEADERSHIP_USER,
                        roles.demo_password(LEADERSHIP_USER),
                        warm_runs=warm_runs,
                    )
                finally:
                    browser.close()
        finally:
            launcher.stop()
    out.superset_start_seconds = start_seconds
    return out
