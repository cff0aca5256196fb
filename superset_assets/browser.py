"""Superset's web pages in a headless Chromium (Playwright, Debian's ``chromium`` by path).

One place for what the browser tests and the benchmark both do: log in, open a dashboard and wait
until every chart has settled (rendered, empty or failed), and read what Superset's chart data API
answered while it rendered (each chart's SQL, as Superset sent it to the warehouse).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

# The state of every chart on the page: [title, ok | empty | error | loading | pending, error text].
CHART_STATES = """() => Array.from(
  document.querySelectorAll('[data-test="chart-grid-component"]')
).map(e => {
  const name = e.getAttribute('data-test-chart-name');
  const text = e.innerText || '';
  if (e.querySelector('[role="alert"], .alert') || /Data error|Ошибка|Unexpected error/.test(text)) {
    return [name, 'error', text.slice(0, 300)];
  }
  if (e.querySelector('.loading, [data-test="loading-indicator"], [aria-label="Loading"]')) {
    return [name, 'loading', ''];
  }
  if (e.querySelector('[data-test="empty-state"], .ant-empty')
      || /Не было получено данных|Нет результатов|No results were returned/.test(text)) {
    return [name, 'empty', ''];
  }
  const body = e.querySelector('[data-test="slice-container"]');
  if (body && body.querySelector('canvas, svg, table, .header-line')) return [name, 'ok', ''];
  return [name, 'pending', ''];
})"""
SETTLED = frozenset({"ok", "empty", "error"})
CHART_DATA = "/api/v1/chart/data"


def login(browser: Any, base_url: str, username: str, password: str) -> Any:
    """A new browser context logged in as ``username``; returns its page."""
    context = browser.new_context(viewport={"width": 1600, "height": 1200}, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/superset/welcome/.*|.*/dashboard/list/.*"), timeout=60_000)
    return page


def open_dashboard(
    page: Any, base_url: str, slug: str, timeout: float = 120.0, poll: float = 1.0
) -> list[list[str]]:
    """Open the dashboard ``slug`` and wait until every chart settled (or ``timeout`` seconds passed);
    return the charts' states (see :data:`CHART_STATES`)."""
    page.goto(f"{base_url}/superset/dashboard/{slug}/")
    page.wait_for_selector('[data-test="chart-grid-component"]', timeout=60_000)
    deadline = time.monotonic() + timeout
    states: list[list[str]] = []
    while time.monotonic() < deadline:
        states = page.evaluate(CHART_STATES)
        if states and all(s[1] in SETTLED for s in states):
            break
        time.sleep(poll)
    return states


@dataclass(frozen=True)
class ChartQuery:
    """One query Superset ran for the dashboard: the chart's id, the SQL, whether it came from the cache."""

    slice_id: int | None  # None: not a chart's query (a native filter's list of values)
    sql: str
    cached: bool
    columns: tuple[str, ...] = ()  # what a filter's query groups by (its column)


def record_chart_queries(page: Any) -> list[ChartQuery]:
    """Start recording the chart data API's answers on ``page``; the returned list fills as charts load.
    Superset puts the SQL it ran (or took from its cache) into each answer's ``result[].query``."""
    from playwright.sync_api import Error as PlaywrightError

    queries: list[ChartQuery] = []

    def on_response(response: Any) -> None:
        if CHART_DATA not in response.url or response.request.method != "POST":
            return
        try:
            body = response.json()
            form = json.loads(response.request.post_data or "{}").get("form_data") or {}
        except (ValueError, PlaywrightError):  # no JSON body: the chart shows an error state instead
            return
        slice_id = form.get("slice_id")
        columns = tuple(str(c) for c in form.get("groupby") or [] if isinstance(c, str))
        for result in body.get("result") or []:
            sql = result.get("query")
            if sql:
                queries.append(ChartQuery(slice_id, sql, bool(result.get("is_cached")), columns))

    page.on("response", on_response)
    return queries
